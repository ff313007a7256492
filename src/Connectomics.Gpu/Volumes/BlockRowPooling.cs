using Connectomics.Gpu.Models.UNet;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Gpu.Volumes;

/// <summary>
/// Pools a block's per-voxel features into its rows' vectors as tiles come: each tile adds the voxels it owns that lie
/// in a row's box. Means are summed in float64 and divided once at the end, so the vectors do not depend on how the
/// block was tiled (beyond the last rounding to float32).
/// </summary>
internal sealed class BlockRowPooling : ITileFeatureSink
{
    private readonly Box3[] _boxes;
    private readonly int _channels;
    private readonly VoxelPooling _pooling;
    private readonly double[]? _sums;
    private readonly float[] _vectors;

    public BlockRowPooling(IReadOnlyList<BlockRow> rows, int channels, VoxelPooling pooling)
    {
        _boxes = new Box3[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            _boxes[r] = BoxOf(rows[r]);
        }

        _channels = channels;
        _pooling = pooling;
        _vectors = new float[rows.Count * channels];
        if (pooling == VoxelPooling.Mean)
        {
            _sums = new double[_vectors.Length];
        }
        else
        {
            _vectors.AsSpan().Fill(float.NegativeInfinity);
        }
    }

    /// <summary>The voxels a row pools: its point, or its box.</summary>
    public static Box3 BoxOf(BlockRow row) => row.Point is { } point ? Box3.FromStartSize(point, Index3.All(1)) : row.Box;

    /// <summary>Adds one tile's features.</summary>
    /// <param name="features">The tile's features <c>[D, z, y, x]</c> over <see cref="WriteBoxTile.Computed"/>.</param>
    /// <param name="tile">The tile.</param>
    public void Add(ReadOnlySpan<float> features, WriteBoxTile tile)
    {
        var computed = tile.Computed;
        var size = computed.Size;
        for (var r = 0; r < _boxes.Length; r++)
        {
            var part = _boxes[r].Intersect(tile.Owned);
            if (part.IsEmpty)
            {
                continue;
            }

            var runLength = checked((int)part.Size.X);
            for (var d = 0; d < _channels; d++)
            {
                var slot = (r * _channels) + d;
                var sum = 0.0;
                var max = _vectors[slot];
                for (var z = part.Start.Z; z < part.Stop.Z; z++)
                {
                    for (var y = part.Start.Y; y < part.Stop.Y; y++)
                    {
                        var start = (((((long)d * size.Z) + (z - computed.Start.Z)) * size.Y) + (y - computed.Start.Y)) * size.X + (part.Start.X - computed.Start.X);
                        var run = features.Slice(checked((int)start), runLength);
                        if (_sums is not null)
                        {
                            foreach (var value in run)
                            {
                                sum += value;
                            }
                        }
                        else
                        {
                            foreach (var value in run)
                            {
                                max = Math.Max(max, value);
                            }
                        }
                    }
                }

                if (_sums is not null)
                {
                    _sums[slot] += sum;
                }
                else
                {
                    _vectors[slot] = max;
                }
            }
        }
    }

    /// <summary>Gets the rows' vectors one after another (<c>rows × D</c>) once every tile is added.</summary>
    public float[] Complete()
    {
        if (_sums is null)
        {
            return _vectors;
        }

        for (var r = 0; r < _boxes.Length; r++)
        {
            var count = (double)_boxes[r].VoxelCount;
            for (var d = 0; d < _channels; d++)
            {
                var slot = (r * _channels) + d;
                _vectors[slot] = (float)(_sums[slot] / count);
            }
        }

        return _vectors;
    }
}
