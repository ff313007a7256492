namespace Connectomics.Volumes.Tests.Reading;

/// <summary>
/// A naive per-voxel reader with NumPy's padding rules, written independently of the engine: each output voxel maps
/// each axis coordinate on its own (reflect by repeated folding, not by a period formula), then reads the dense array.
/// </summary>
internal static class ReferenceReader
{
    /// <summary>Maps a coordinate along an axis of length <paramref name="length"/>; -1 means the fill value.</summary>
    public static long Map(long i, long length, Volumes.Reading.Boundary boundary)
    {
        if (i >= 0 && i < length)
        {
            return i;
        }

        if (length == 0)
        {
            return -1;
        }

        switch (boundary)
        {
            case Volumes.Reading.Boundary.Fill:
                return -1;
            case Volumes.Reading.Boundary.Replicate:
                return i < 0 ? 0 : length - 1;
            default:
                if (length == 1)
                {
                    return 0;
                }

                // Fold at the mirror planes through the edge voxels until inside.
                while (i < 0 || i >= length)
                {
                    i = i < 0 ? -i : (2 * (length - 1)) - i;
                }

                return i;
        }
    }

    /// <summary>Reads [c, z, y, x] (or [z, y, x]) elements of a dense C-order array over a box.</summary>
    public static T[] Read<T>(T[] dense, long[] shape, long[] start, long[] stop, Volumes.Reading.Boundary boundary, T fill)
    {
        var channels = shape.Length == 4 ? shape[0] : 1;
        var lead = shape.Length - 3;
        var sz = stop[0] - start[0];
        var sy = stop[1] - start[1];
        var sx = stop[2] - start[2];
        var result = new T[channels * sz * sy * sx];
        var n = 0;
        for (var c = 0L; c < channels; c++)
        {
            for (var z = start[0]; z < stop[0]; z++)
            {
                for (var y = start[1]; y < stop[1]; y++)
                {
                    for (var x = start[2]; x < stop[2]; x++)
                    {
                        var mz = Map(z, shape[lead], boundary);
                        var my = Map(y, shape[lead + 1], boundary);
                        var mx = Map(x, shape[lead + 2], boundary);
                        result[n++] = mz < 0 || my < 0 || mx < 0
                            ? fill
                            : dense[(((c * shape[lead]) + mz) * shape[lead + 1] + my) * shape[lead + 2] + mx];
                    }
                }
            }
        }

        return result;
    }
}
