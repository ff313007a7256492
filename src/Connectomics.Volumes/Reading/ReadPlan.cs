using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Reading;

/// <summary>
/// How one box is read: which array voxel each output voxel takes (per axis, as runs), which chunks hold them, and how
/// each chunk's part is copied into the output.
/// </summary>
internal sealed class ReadPlan
{
    private readonly VolumeGeometry _geometry;
    private readonly AxisMapping[] _axes;

    private ReadPlan(VolumeGeometry geometry, Box3 box, AxisMapping[] axes)
    {
        _geometry = geometry;
        _axes = axes;
        Box = box;
        NeedsFill = axes.Any(a => a.HasFill);
        var first = new long[3];
        var last = new long[3];
        var any = true;
        for (var axis = 0; axis < 3; axis++)
        {
            if (axes[axis].SourceMax < axes[axis].SourceMin)
            {
                any = false;
                break;
            }

            first[axis] = axes[axis].SourceMin / geometry.ChunkShape[axis];
            last[axis] = axes[axis].SourceMax / geometry.ChunkShape[axis];
        }

        var channelChunks = (geometry.Channels + geometry.ChunkChannels - 1) / geometry.ChunkChannels;
        var chunks = new List<long[]>();
        if (any && !box.IsEmpty)
        {
            for (var c = 0; c < channelChunks; c++)
            {
                for (var z = first[0]; z <= last[0]; z++)
                {
                    for (var y = first[1]; y <= last[1]; y++)
                    {
                        for (var x = first[2]; x <= last[2]; x++)
                        {
                            chunks.Add(geometry.HasChannelAxis ? [c, z, y, x] : [z, y, x]);
                        }
                    }
                }
            }
        }

        Chunks = chunks;
    }

    /// <summary>Gets the box read.</summary>
    public Box3 Box { get; }

    /// <summary>Gets whether some output voxel takes the fill value whatever the chunks hold.</summary>
    public bool NeedsFill { get; }

    /// <summary>Gets the chunks that hold the voxels read, C order of the chunk grid.</summary>
    public IReadOnlyList<long[]> Chunks { get; }

    /// <summary>Plans the read of <paramref name="box"/>.</summary>
    /// <param name="geometry">The array.</param>
    /// <param name="box">The box, in array coordinates (it may reach outside).</param>
    /// <param name="boundary">The rule outside the array.</param>
    /// <returns>The plan.</returns>
    public static ReadPlan Create(VolumeGeometry geometry, Box3 box, Boundary boundary)
    {
        var axes = new AxisMapping[3];
        for (var axis = 0; axis < 3; axis++)
        {
            axes[axis] = AxisMapping.Create(box.Start[axis], box.Stop[axis], geometry.Shape[axis], boundary);
        }

        return new ReadPlan(geometry, box, axes);
    }

    /// <summary>Copies the voxels a chunk holds into every output place that reads them.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="chunkIndex">The chunk (one of <see cref="Chunks"/>).</param>
    /// <param name="chunk">The decoded chunk's bytes, or empty when it is not stored.</param>
    /// <param name="stored">Whether the chunk is stored (else its places take <paramref name="fill"/>).</param>
    /// <param name="fill">The fill value.</param>
    /// <param name="destination">The output, C order over channels and the box.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Copy<T>(ReadOnlySpan<long> chunkIndex, ReadOnlySpan<byte> chunk, bool stored, T fill, Span<T> destination)
        where T : unmanaged
    {
        var lead = _geometry.HasChannelAxis ? 1 : 0;
        var chunkShape = _geometry.ChunkShape;
        Span<long> origin = stackalloc long[3];
        var runs = new AxisRun[3][];
        for (var axis = 0; axis < 3; axis++)
        {
            origin[axis] = chunkIndex[lead + axis] * chunkShape[axis];
            var highest = Math.Min(origin[axis] + chunkShape[axis], _geometry.Shape[axis]) - 1;
            var kept = new List<AxisRun>(_axes[axis].Runs.Count);
            foreach (var run in _axes[axis].Runs)
            {
                if (run.TryClip(origin[axis], highest, out var clipped))
                {
                    kept.Add(clipped);
                }
            }

            if (kept.Count == 0)
            {
                return;
            }

            runs[axis] = [.. kept];
        }

        var source = MemoryMarshal.Cast<byte, T>(chunk);
        var size = Box.Size;
        var firstChannel = lead == 1 ? (int)chunkIndex[0] * _geometry.ChunkChannels : 0;
        var stopChannel = Math.Min(firstChannel + _geometry.ChunkChannels, _geometry.Channels);
        for (var channel = firstChannel; channel < stopChannel; channel++)
        {
            var chunkChannel = channel - firstChannel;
            foreach (var zRun in runs[0])
            {
                for (var k = 0L; k < zRun.Length; k++)
                {
                    var outZ = zRun.OutputStart + k;
                    var inZ = zRun.SourceStart + (zRun.Step * k) - origin[0];
                    foreach (var yRun in runs[1])
                    {
                        for (var j = 0L; j < yRun.Length; j++)
                        {
                            var outY = yRun.OutputStart + j;
                            var inY = yRun.SourceStart + (yRun.Step * j) - origin[1];
                            var outRow = (((channel * size.Z) + outZ) * size.Y + outY) * size.X;
                            var inRow = (((chunkChannel * chunkShape.Z) + inZ) * chunkShape.Y + inY) * chunkShape.X;
                            CopyRow(runs[2], origin[2], source, inRow, stored, fill, destination, outRow);
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRow<T>(AxisRun[] xRuns, long originX, ReadOnlySpan<T> source, long inRow, bool stored, T fill, Span<T> destination, long outRow)
        where T : unmanaged
    {
        foreach (var run in xRuns)
        {
            var target = destination.Slice((int)(outRow + run.OutputStart), (int)run.Length);
            if (!stored)
            {
                target.Fill(fill);
                continue;
            }

            var inX = inRow + run.SourceStart - originX;
            switch (run.Step)
            {
                case 1:
                    source.Slice((int)inX, (int)run.Length).CopyTo(target);
                    break;
                case -1:
                    source.Slice((int)(inX - run.Length + 1), (int)run.Length).CopyTo(target);
                    target.Reverse();
                    break;
                default:
                    target.Fill(source[(int)inX]);
                    break;
            }
        }
    }
}
