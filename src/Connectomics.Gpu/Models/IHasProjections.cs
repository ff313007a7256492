namespace Connectomics.Gpu.Models;

/// <summary>A module whose projections can be reached, and swapped, by name.</summary>
internal interface IHasProjections
{
    /// <summary>Gets the module's projections.</summary>
    ProjectionSlots Projections { get; }
}
