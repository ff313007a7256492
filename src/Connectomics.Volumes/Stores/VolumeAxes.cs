using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Ome;

namespace Connectomics.Volumes.Stores;

/// <summary>
/// Brings an array to the layout volume reads take, <c>[z, y, x]</c> or <c>[c, z, y, x]</c>: OME-Zarr axes are checked
/// (three spatial axes last, at most one channel axis before them) and leading axes of extent 1 that are not channels
/// (a single time point) are dropped; anything else is refused by name.
/// </summary>
internal static class VolumeAxes
{
    /// <summary>Gets the array as a volume.</summary>
    /// <param name="array">The array.</param>
    /// <param name="axes">The OME-Zarr axes of its image, or <see langword="null"/> when it has none.</param>
    /// <returns>The array itself, or a view without its singleton leading axes.</returns>
    /// <exception cref="VolumeFeatureNotSupportedException">The array is not a 3-D volume with at most one channel axis.</exception>
    public static IChunkedArray AsVolume(IChunkedArray array, IReadOnlyList<OmeAxis>? axes)
    {
        var info = array.Info;
        var rank = info.Rank;
        var names = axes?.Select(a => a.Name).ToList() ?? info.DimensionNames?.ToList();
        string Describe() => names is null ? $"[{string.Join(", ", info.Shape)}]" : $"({string.Join(", ", names)}) [{string.Join(", ", info.Shape)}]";
        if (rank < 3)
        {
            throw new VolumeFeatureNotSupportedException(info.Location, $"an array of rank {rank} {Describe()}", "volumes have three spatial axes.");
        }

        if (axes is not null && !(axes[^1].IsSpatial && axes[^2].IsSpatial && axes[^3].IsSpatial))
        {
            throw new VolumeFeatureNotSupportedException(info.Location, $"the axis order {Describe()}", "volume reads take the three spatial axes last (z, y, x).");
        }

        var dropped = new bool[rank];
        var kept = 0;
        for (var axis = 0; axis < rank - 3; axis++)
        {
            var isChannel = axes?[axis].IsChannel ?? false;
            if (isChannel && kept == 0)
            {
                kept++;
                continue;
            }

            if (info.Shape[axis] == 1 && (axes is not null || rank - 3 - axis > 1 - kept))
            {
                dropped[axis] = true;
                continue;
            }

            if (axes is null && kept == 0)
            {
                kept++;
                continue;
            }

            throw new VolumeFeatureNotSupportedException(info.Location, $"the leading axes of {Describe()}",
                "volume reads take at most one leading axis (channels) besides axes of extent 1.");
        }

        if (!dropped.Contains(true))
        {
            return array;
        }

        try
        {
            return new AxesDroppedArray(array, dropped);
        }
        catch (ArgumentException error)
        {
            throw new VolumeFeatureNotSupportedException(info.Location, $"the chunking of {Describe()}", error.Message);
        }
    }
}
