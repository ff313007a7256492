using Connectomics.Volumes.Geometry;

namespace Connectomics.Gpu.Volumes;

/// <summary>Writes the voxels each tile owns into the per-voxel features <c>[D, wz, wy, wx]</c> of a write box.</summary>
internal ref struct WriteBoxFeatureStitching : ITileFeatureSink
{
    private readonly Span<float> _destination;
    private readonly Box3 _writeBox;
    private readonly int _channels;

    public WriteBoxFeatureStitching(Span<float> destination, Box3 writeBox, int channels)
    {
        _destination = destination;
        _writeBox = writeBox;
        _channels = channels;
    }

    /// <inheritdoc />
    public readonly void Add(ReadOnlySpan<float> features, WriteBoxTile tile)
    {
        var computed = tile.Computed;
        var from = computed.Size;
        var to = _writeBox.Size;
        var owned = tile.Owned;
        var runLength = checked((int)owned.Size.X);
        for (var d = 0L; d < _channels; d++)
        {
            for (var z = owned.Start.Z; z < owned.Stop.Z; z++)
            {
                for (var y = owned.Start.Y; y < owned.Stop.Y; y++)
                {
                    var source = ((((d * from.Z) + (z - computed.Start.Z)) * from.Y) + (y - computed.Start.Y)) * from.X + (owned.Start.X - computed.Start.X);
                    var target = ((((d * to.Z) + (z - _writeBox.Start.Z)) * to.Y) + (y - _writeBox.Start.Y)) * to.X + (owned.Start.X - _writeBox.Start.X);
                    features.Slice(checked((int)source), runLength).CopyTo(_destination.Slice(checked((int)target), runLength));
                }
            }
        }
    }
}
