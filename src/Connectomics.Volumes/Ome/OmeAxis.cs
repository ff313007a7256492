namespace Connectomics.Volumes.Ome;

/// <summary>One axis of an OME-Zarr image (an entry of <c>axes</c>): its name, its type and the unit of its coordinates.</summary>
/// <param name="Name">The axis name (<c>z</c>, <c>y</c>, <c>x</c>, <c>c</c>, <c>t</c>, …); in OME-Zarr 0.5 also the
/// array's <c>dimension_names</c> entry.</param>
/// <param name="Type">The axis type: <c>space</c>, <c>channel</c>, <c>time</c>, another string, or <see langword="null"/>
/// when the metadata gives none.</param>
/// <param name="Unit">The unit (<c>nanometer</c>, <c>micrometer</c>, <c>second</c>, …), or <see langword="null"/> when the
/// metadata gives none.</param>
public sealed record OmeAxis(string Name, string? Type = null, string? Unit = null)
{
    /// <summary>The axis type of spatial axes.</summary>
    public const string Space = "space";

    /// <summary>The axis type of a channel axis.</summary>
    public const string Channel = "channel";

    /// <summary>The axis type of a time axis.</summary>
    public const string Time = "time";

    /// <summary>Gets a value indicating whether the axis is spatial: its type is <c>space</c>, or, when it has no type,
    /// its name is <c>z</c>, <c>y</c> or <c>x</c>.</summary>
    public bool IsSpatial => Type is null ? Name is "z" or "y" or "x" : Type == Space;

    /// <summary>Gets a value indicating whether the axis holds channels: its type is <c>channel</c>, or, when it has no
    /// type, its name is <c>c</c>.</summary>
    public bool IsChannel => Type is null ? Name == "c" : Type == Channel;

    /// <summary>Creates a spatial axis.</summary>
    /// <param name="name">The name, e.g. <c>z</c>.</param>
    /// <param name="unit">The length unit.</param>
    /// <returns>The axis.</returns>
    public static OmeAxis Spatial(string name, string unit = "nanometer") => new(name, Space, unit);
}
