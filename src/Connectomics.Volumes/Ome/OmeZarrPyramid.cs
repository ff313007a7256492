using System.Numerics;
using System.Runtime.InteropServices;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Ome;

/// <summary>
/// Multiscale pyramids by 2×2×2 means: the levels' shapes and transformations, and each coarser level computed from the
/// one above it, one write unit at a time (memory: one unit and the 2×2×2 larger source box it averages).
/// </summary>
/// <remarks>
/// A coarse voxel is the mean of the fine voxels it covers: eight inside the volume, fewer at an odd edge (only the
/// voxels that exist are averaged). Integer types round the mean to the nearest value (halves away from zero);
/// floating-point types keep it. Channels are averaged each on its own.
/// </remarks>
public static class OmeZarrPyramid
{
    /// <summary>The multiscale <c>type</c> that names this downsampling.</summary>
    public const string Method = "mean";

    /// <summary>
    /// Plans the levels of a pyramid: level <c>i</c> (path <c>s{i}</c>) halves the spatial extents <c>i</c> times
    /// (rounding up), multiplies their scale by 2<sup>i</sup> and translates them by half the voxels averaged, so that
    /// each coarse voxel's centre is the centre of the fine voxels it covers; non-spatial axes keep their extent.
    /// </summary>
    /// <param name="axes">The image's axes.</param>
    /// <param name="shape">The finest level's shape, one extent per axis.</param>
    /// <param name="chunkShape">Every level's chunk shape.</param>
    /// <param name="scale">The finest level's scale, one value per axis.</param>
    /// <param name="count">How many levels (1 or more).</param>
    /// <param name="shardShape">Every level's shard shape (OME-Zarr 0.5), or <see langword="null"/>.</param>
    /// <returns>The levels, finest first.</returns>
    /// <exception cref="ArgumentException">The lists do not have one entry per axis.</exception>
    public static IReadOnlyList<OmeZarrLevel> PlanLevels(
        IReadOnlyList<OmeAxis> axes, IReadOnlyList<long> shape, IReadOnlyList<int> chunkShape, IReadOnlyList<double> scale, int count, IReadOnlyList<int>? shardShape = null)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(chunkShape);
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (shape.Count != axes.Count || chunkShape.Count != axes.Count || scale.Count != axes.Count || (shardShape is not null && shardShape.Count != axes.Count))
        {
            throw new ArgumentException($"shape, chunkShape, scale (and shardShape) need one entry for each of the {axes.Count} axes.", nameof(shape));
        }

        var levels = new List<OmeZarrLevel>();
        for (var i = 0; i < count; i++)
        {
            var factor = 1L << i;
            levels.Add(new OmeZarrLevel
            {
                Path = $"s{i}",
                Shape = [.. shape.Select((extent, axis) => axes[axis].IsSpatial ? (extent + factor - 1) / factor : extent)],
                ChunkShape = chunkShape,
                ShardShape = shardShape,
                Scale = [.. scale.Select((value, axis) => axes[axis].IsSpatial ? value * factor : value)],
                Translation = i == 0 ? null : [.. scale.Select((value, axis) => axes[axis].IsSpatial ? value * (factor - 1) / 2.0 : 0)],
            });
        }

        return levels;
    }

    /// <summary>Computes a level from the one above it (level − 1), which must be written already.</summary>
    /// <param name="writer">The image writer.</param>
    /// <param name="level">The level to compute (1 or more).</param>
    /// <param name="cancellationToken">Cancels the work; units written stay written.</param>
    /// <returns>A task that completes when every unit of the level is written.</returns>
    /// <exception cref="ArgumentException">The level's shape is not the source's halved on the spatial axes, or the image is
    /// not <c>[z, y, x]</c> or <c>[c, z, y, x]</c>, or its type is <c>bool</c>.</exception>
    public static async Task DownsampleAsync(OmeZarrWriter writer, int level, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, writer.Levels.Count);
        var target = writer.Levels[level];
        var source = (IChunkedArray)writer.Levels[level - 1];
        var axes = writer.Image.Multiscales[0].Axes;
        var rank = axes.Count;
        if (rank is not (3 or 4) || !axes.Skip(rank - 3).All(a => a.IsSpatial))
        {
            throw new ArgumentException($"{target.Info.Location}: pyramids are computed for [z, y, x] and [c, z, y, x] images, not ({string.Join(", ", axes.Select(a => a.Name))}).", nameof(writer));
        }

        for (var axis = 0; axis < rank; axis++)
        {
            var expected = axis < rank - 3 ? source.Info.Shape[axis] : (source.Info.Shape[axis] + 1) / 2;
            if (target.Info.Shape[axis] != expected)
            {
                throw new ArgumentException(
                    $"{target.Info.Location}: shape [{string.Join(", ", target.Info.Shape)}] is not the 2×2×2 mean of [{string.Join(", ", source.Info.Shape)}] (axis {axes[axis].Name} should be {expected}).", nameof(level));
            }
        }

        var task = target.Info.DataType switch
        {
            VoxelType.UInt8 => DownsampleAsync<byte>(source, target, cancellationToken),
            VoxelType.Int8 => DownsampleAsync<sbyte>(source, target, cancellationToken),
            VoxelType.UInt16 => DownsampleAsync<ushort>(source, target, cancellationToken),
            VoxelType.Int16 => DownsampleAsync<short>(source, target, cancellationToken),
            VoxelType.UInt32 => DownsampleAsync<uint>(source, target, cancellationToken),
            VoxelType.Int32 => DownsampleAsync<int>(source, target, cancellationToken),
            VoxelType.UInt64 => DownsampleAsync<ulong>(source, target, cancellationToken),
            VoxelType.Int64 => DownsampleAsync<long>(source, target, cancellationToken),
            VoxelType.Float16 => DownsampleAsync<Half>(source, target, cancellationToken),
            VoxelType.Float32 => DownsampleAsync<float>(source, target, cancellationToken),
            VoxelType.Float64 => DownsampleAsync<double>(source, target, cancellationToken),
            _ => throw new ArgumentException($"{target.Info.Location}: a {target.Info.DataType} image has no mean pyramid.", nameof(writer)),
        };
        await task.ConfigureAwait(false);
    }

    private static async Task DownsampleAsync<T>(IChunkedArray source, IChunkedArrayWriter target, CancellationToken cancellationToken)
        where T : unmanaged, INumber<T>
    {
        var info = target.Info;
        var lead = info.Rank - 3;
        var volume = new VolumeArray(source, new ChunkCache(0));
        var unit = info.WriteUnitShape;
        var unitSpatial = new Index3(unit[lead], unit[lead + 1], unit[lead + 2]);
        var unitChannels = lead == 1 ? unit[0] : 1;
        var shape = new Index3(info.Shape[lead], info.Shape[lead + 1], info.Shape[lead + 2]);
        var sourceShape = new Index3(source.Info.Shape[lead], source.Info.Shape[lead + 1], source.Info.Shape[lead + 2]);
        var channels = lead == 1 ? (int)info.Shape[0] : 1;
        var grid = info.Shape.Select((extent, axis) => (extent + unit[axis] - 1) / unit[axis]).ToArray();
        var integer = !(typeof(T) == typeof(Half) || typeof(T) == typeof(float) || typeof(T) == typeof(double));
        var output = new T[unitChannels * unitSpatial.Volume];
        var index = new long[info.Rank];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = new Index3(index[lead], index[lead + 1], index[lead + 2]) * unitSpatial;
            var box = new Box3(start, Index3.Min(start + unitSpatial, shape));
            var sourceBox = new Box3(box.Start * Index3.All(2), Index3.Min(box.Stop * Index3.All(2), sourceShape));
            Array.Clear(output);
            if (!box.IsEmpty)
            {
                var region = await volume.ReadAsync<T>(sourceBox, Boundary.Fill, cancellationToken).ConfigureAwait(false);
                var firstChannel = lead == 1 ? (int)index[0] * unitChannels : 0;
                var data = region.Data.Span;
                var s = sourceBox.Size;
                for (var c = 0; c < unitChannels && firstChannel + c < channels; c++)
                {
                    var channelOffset = (long)(firstChannel + c) * s.Volume;
                    for (var z = 0L; z < box.Size.Z; z++)
                    {
                        for (var y = 0L; y < box.Size.Y; y++)
                        {
                            for (var x = 0L; x < box.Size.X; x++)
                            {
                                var sum = 0.0;
                                var count = 0;
                                for (var dz = 0L; dz < 2 && (2 * z) + dz < s.Z; dz++)
                                {
                                    for (var dy = 0L; dy < 2 && (2 * y) + dy < s.Y; dy++)
                                    {
                                        for (var dx = 0L; dx < 2 && (2 * x) + dx < s.X; dx++)
                                        {
                                            sum += double.CreateTruncating(data[(int)(channelOffset + (((((2 * z) + dz) * s.Y) + (2 * y) + dy) * s.X) + (2 * x) + dx)]);
                                            count++;
                                        }
                                    }
                                }

                                var mean = sum / count;
                                output[(int)((((((long)c * unitSpatial.Z) + z) * unitSpatial.Y) + y) * unitSpatial.X) + x] = integer
                                    ? T.CreateSaturating(Math.Round(mean, MidpointRounding.AwayFromZero))
                                    : T.CreateTruncating(mean);
                            }
                        }
                    }
                }
            }

            await target.WriteUnitAsync(index.ToArray(), MemoryMarshal.AsBytes(output.AsSpan()).ToArray(), cancellationToken).ConfigureAwait(false);
            var axis = info.Rank - 1;
            while (axis >= 0 && ++index[axis] == grid[axis])
            {
                index[axis] = 0;
                axis--;
            }

            if (axis < 0 || grid.Contains(0))
            {
                return;
            }
        }
    }
}
