using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Ome;

/// <summary>What <see cref="OmeZarrWriter"/> creates: an OME-Zarr image group with its levels' arrays.</summary>
public sealed class OmeZarrImageOptions
{
    /// <summary>Gets or sets the OME-Zarr version, which also chooses the Zarr format (0.4: v2, 0.5: v3).</summary>
    /// <value>The default value is <see cref="OmeZarrVersion.V05"/>.</value>
    public OmeZarrVersion Version { get; set; } = OmeZarrVersion.V05;

    /// <summary>Gets or sets the image's name, or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the downsampling method recorded as the multiscale's <c>type</c> (e.g. <c>mean</c>), or
    /// <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Type { get; set; }

    /// <summary>Gets or sets the axes in array order: an optional time axis first, then an optional channel axis, then two
    /// or three spatial axes, as OME-Zarr requires.</summary>
    /// <value>The default value is <c>z</c>, <c>y</c>, <c>x</c>, spatial, in nanometres.</value>
    public IReadOnlyList<OmeAxis> Axes { get; set; } = [OmeAxis.Spatial("z"), OmeAxis.Spatial("y"), OmeAxis.Spatial("x")];

    /// <summary>Gets or sets the element type of every level.</summary>
    /// <value>The default value is <see cref="VoxelType.UInt8"/>.</value>
    public VoxelType DataType { get; set; } = VoxelType.UInt8;

    /// <summary>Gets or sets the fill value of every level.</summary>
    /// <value>The default value is 0.</value>
    public double FillValue { get; set; }

    /// <summary>Gets the levels, finest first.</summary>
    public IList<OmeZarrLevel> Levels { get; } = [];

    /// <summary>Gets or sets the codecs of the Zarr v3 arrays (0.5): the array's codecs, or the inner chunks' codecs of a
    /// sharded level.</summary>
    /// <value>The default value is <c>bytes</c> then <c>zstd</c>.</value>
    public IList<ZarrV3Codec> Codecs { get; set; } = [ZarrV3Codec.Bytes(), ZarrV3Codec.Zstd()];

    /// <summary>Gets or sets where sharded levels keep their shard index (0.5).</summary>
    /// <value>The default value is <see cref="ShardIndexLocation.End"/>.</value>
    public ShardIndexLocation IndexLocation { get; set; } = ShardIndexLocation.End;

    /// <summary>Gets or sets the compressor of the Zarr v2 arrays (0.4), or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IBytesCodec? Compressor { get; set; }

    /// <summary>Checks the options as a whole.</summary>
    /// <exception cref="ArgumentException">Something is wrong; the message lists every failure.</exception>
    internal void Validate()
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(Version))
        {
            failures.Add($"Version {Version} is not an OME-Zarr version.");
        }

        var axes = Axes ?? [];
        if (axes.Count is < 2 or > 5)
        {
            failures.Add($"Axes has {axes.Count} axes; OME-Zarr images have 2 to 5.");
        }

        if (axes.Any(a => a is null || string.IsNullOrWhiteSpace(a.Name)))
        {
            failures.Add("Axes has an axis without a name.");
        }
        else
        {
            if (axes.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() != axes.Count)
            {
                failures.Add($"Axes ({string.Join(", ", axes.Select(a => a.Name))}) repeats a name.");
            }

            var spatial = axes.Count(a => a.IsSpatial);
            var trailingSpatial = axes.Reverse().TakeWhile(a => a.IsSpatial).Count();
            if (spatial is < 2 or > 3 || trailingSpatial != spatial)
            {
                failures.Add($"Axes ({string.Join(", ", axes.Select(a => a.Name))}) must end in 2 or 3 spatial axes, with no spatial axis before them.");
            }

            var leading = axes.Take(axes.Count - trailingSpatial).ToList();
            if (leading.Count(a => a.Type == OmeAxis.Time) > 1 || leading.Count(a => a.IsChannel) > 1
                || (leading.FindIndex(a => a.Type == OmeAxis.Time) is var time and > 0))
            {
                failures.Add($"Axes ({string.Join(", ", axes.Select(a => a.Name))}) may have one time axis, first, and one channel axis.");
            }

            foreach (var axis in axes.Where(a => a.IsSpatial && a.Unit is not null && !OmeLengthUnit.TryGetNanometres(a.Unit, out _)))
            {
                failures.Add($"Axis '{axis.Name}' has the unit '{axis.Unit}', which is not an OME-Zarr length unit.");
            }
        }

        if (Levels.Count == 0)
        {
            failures.Add("Levels is empty; an image has at least one level.");
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Levels.Count; i++)
        {
            var level = Levels[i];
            var name = $"Levels[{i}]";
            if (level is null)
            {
                failures.Add($"{name} is null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(level.Path) || level.Path.Split('/').Any(s => s.Length == 0 || s is "." or ".."))
            {
                failures.Add($"{name}.Path '{level.Path}' is not a relative path.");
            }
            else if (!paths.Add(level.Path))
            {
                failures.Add($"{name}.Path '{level.Path}' is used by another level.");
            }

            if (level.Shape is null || level.Shape.Count != axes.Count || level.Shape.Any(e => e < 0))
            {
                failures.Add($"{name}.Shape must have {axes.Count} extents ≥ 0, one per axis.");
            }

            if (level.ChunkShape is null || level.ChunkShape.Count != axes.Count || level.ChunkShape.Any(e => e <= 0))
            {
                failures.Add($"{name}.ChunkShape must have {axes.Count} extents > 0, one per axis.");
            }

            if (level.ShardShape is not null && Version == OmeZarrVersion.V04)
            {
                failures.Add($"{name}.ShardShape is set, but OME-Zarr 0.4 (Zarr v2) has no sharding.");
            }

            if (level.Scale is null || level.Scale.Count != axes.Count || level.Scale.Any(s => !(s > 0) || double.IsInfinity(s)))
            {
                failures.Add($"{name}.Scale must have {axes.Count} positive finite values, one per axis.");
            }

            if (level.Translation is not null && (level.Translation.Count != axes.Count || level.Translation.Any(t => !double.IsFinite(t))))
            {
                failures.Add($"{name}.Translation must have {axes.Count} finite values, one per axis.");
            }
        }

        if (Codecs is null || Codecs.Any(c => c is null))
        {
            failures.Add("Codecs must not be or hold null.");
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException($"{nameof(OmeZarrImageOptions)}: {string.Join(" ", failures)}");
        }
    }
}
