using System.ComponentModel.DataAnnotations;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Microsoft.Extensions.Options;

namespace Connectomics.Gpu.DependencyInjection;

/// <summary>What <c>AddNucleotideTransformer</c> registers: the model and the embedder options.</summary>
/// <remarks>Exactly one of <see cref="Checkpoint"/> and <see cref="Preset"/> must be set; otherwise, and when any
/// embedder option is invalid, the host fails to start with a message that lists every problem.</remarks>
public sealed class NucleotideTransformerRegistration : IValidatableObject
{
    /// <summary>Gets or sets the Hugging Face checkpoint directory the weights are loaded from.</summary>
    /// <value>The default value is <see langword="null"/>: either this or <see cref="Preset"/> is required.</value>
    public string? Checkpoint { get; set; }

    /// <summary>Gets or sets the preset (see <see cref="NucleotideTransformerPresets"/>) whose shape is built with
    /// random weights drawn from <see cref="Seed"/>: for tests and demos, never for real embeddings.</summary>
    /// <value>The default value is <see langword="null"/>: either this or <see cref="Checkpoint"/> is required.</value>
    public string? Preset { get; set; }

    /// <summary>Gets or sets the seed of a preset's random weights.</summary>
    /// <value>The default value is 0.</value>
    public long Seed { get; set; }

    /// <summary>Gets the embedder options.</summary>
    [ValidateObjectMembers(typeof(NucleotideTransformerEmbedderOptionsValidator))]
    public NucleotideTransformerEmbedderOptions Embedder { get; } = new();

    /// <summary>Checks that exactly one model source is chosen and that a preset exists.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each problem.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Checkpoint is null && Preset is null)
        {
            yield return new ValidationResult(
                $"Neither {nameof(Checkpoint)} nor {nameof(Preset)} is set: name a checkpoint directory to load, or a preset for random weights.",
                [nameof(Checkpoint), nameof(Preset)]);
        }

        if (Checkpoint is not null && Preset is not null)
        {
            yield return new ValidationResult(
                $"Both {nameof(Checkpoint)} ('{Checkpoint}') and {nameof(Preset)} ('{Preset}') are set: choose one.",
                [nameof(Checkpoint), nameof(Preset)]);
        }

        if (Checkpoint is not null && string.IsNullOrWhiteSpace(Checkpoint))
        {
            yield return new ValidationResult($"{nameof(Checkpoint)} is empty.", [nameof(Checkpoint)]);
        }

        if (Preset is not null && !IsKnownPreset(Preset))
        {
            yield return new ValidationResult(
                $"{nameof(Preset)} '{Preset}' is not a preset; known presets: {string.Join(", ", NucleotideTransformerPresets.All.Keys)}.",
                [nameof(Preset)]);
        }
    }

    private static bool IsKnownPreset(string name)
    {
        try
        {
            NucleotideTransformerPresets.Get(name);
            return true;
        }
        catch (ModelConfigurationException)
        {
            return false;
        }
    }
}
