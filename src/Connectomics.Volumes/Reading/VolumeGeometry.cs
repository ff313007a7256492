using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Reading;

/// <summary>An array's shape and chunking seen as three spatial axes (the last three) and an optional leading channel
/// axis.</summary>
internal sealed record VolumeGeometry
{
    /// <summary>Gets the spatial extent.</summary>
    public required Index3 Shape { get; init; }

    /// <summary>Gets the spatial extent of a chunk.</summary>
    public required Index3 ChunkShape { get; init; }

    /// <summary>Gets the number of channels (1 without a channel axis).</summary>
    public required int Channels { get; init; }

    /// <summary>Gets the number of channels in a chunk (1 without a channel axis).</summary>
    public required int ChunkChannels { get; init; }

    /// <summary>Gets whether the array has a leading channel axis (rank 4).</summary>
    public required bool HasChannelAxis { get; init; }

    /// <summary>Gets the number of elements in a chunk.</summary>
    public long ChunkElementCount => ChunkChannels * ChunkShape.Volume;

    /// <summary>Reads the geometry of an array of rank 3 (<c>[z, y, x]</c>) or 4 (<c>[c, z, y, x]</c>).</summary>
    /// <param name="info">The array.</param>
    /// <returns>The geometry.</returns>
    /// <exception cref="VolumeFeatureNotSupportedException">The array has another rank.</exception>
    public static VolumeGeometry From(ChunkedArrayInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Rank is not (3 or 4) || info.ChunkShape.Count != info.Rank)
        {
            throw new VolumeFeatureNotSupportedException(info.Location, $"an array of rank {info.Rank}",
                "volume reads take arrays [z, y, x] or [c, z, y, x] (three spatial axes and at most one leading channel axis).");
        }

        var lead = info.Rank - 3;
        var channels = lead == 1 ? info.Shape[0] : 1;
        if (channels > int.MaxValue)
        {
            throw new VolumeFormatException(info.Location, $"the channel axis has {channels} entries, more than a read can hold.");
        }

        return new VolumeGeometry
        {
            Shape = new Index3(info.Shape[lead], info.Shape[lead + 1], info.Shape[lead + 2]),
            ChunkShape = new Index3(info.ChunkShape[lead], info.ChunkShape[lead + 1], info.ChunkShape[lead + 2]),
            Channels = (int)channels,
            ChunkChannels = lead == 1 ? info.ChunkShape[0] : 1,
            HasChannelAxis = lead == 1,
        };
    }
}
