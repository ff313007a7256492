using System.Globalization;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Precomputed;

/// <summary>
/// The chunk grid of one precomputed scale: chunk file names, the extent a chunk file holds (cut at the volume's
/// edge), and the copies between a cut chunk and a whole one. Both layouts are <c>[c, z, y, x]</c> with x fastest,
/// which is the file's <c>[x, y, z, c]</c> Fortran order, so only whole rows move.
/// </summary>
internal sealed class PrecomputedChunkGrid
{
    public PrecomputedChunkGrid(PrecomputedScale scale, string scalePath, VoxelType dataType, int channels, string location, string codecSummary)
    {
        Scale = scale;
        ScalePath = scalePath;
        Channels = channels;
        ElementSize = dataType.ByteSize();
        var chunk = scale.ChunkSize;
        GridShape = new Index3(
            (scale.Size.Z + chunk.Z - 1) / chunk.Z,
            (scale.Size.Y + chunk.Y - 1) / chunk.Y,
            (scale.Size.X + chunk.X - 1) / chunk.X);
        var spatialShape = new[] { scale.Size.Z, scale.Size.Y, scale.Size.X };
        var spatialChunk = new[] { (int)chunk.Z, (int)chunk.Y, (int)chunk.X };
        Info = new ChunkedArrayInfo
        {
            Format = VolumeFormat.Precomputed,
            Location = location,
            Shape = channels == 1 ? spatialShape : [channels, .. spatialShape],
            ChunkShape = channels == 1 ? spatialChunk : [channels, .. spatialChunk],
            DataType = dataType,
            FillValue = new byte[ElementSize],
            DimensionNames = channels == 1 ? ["z", "y", "x"] : ["c", "z", "y", "x"],
            CodecSummary = codecSummary,
        };
        if (Info.ChunkByteCount > Array.MaxLength)
        {
            throw new Errors.VolumeFormatException(location, $"a chunk of {FormatXyz(chunk)} voxels × {channels} channels × {ElementSize} bytes is larger than an array can hold.");
        }
    }

    public PrecomputedScale Scale { get; }

    /// <summary>Gets the store key of the scale's folder (the info's path joined with the scale's key).</summary>
    public string ScalePath { get; }

    public int Channels { get; }

    public int ElementSize { get; }

    /// <summary>Gets the number of chunks along z, y and x.</summary>
    public Index3 GridShape { get; }

    public ChunkedArrayInfo Info { get; }

    /// <summary>Checks a chunk index of the array (<c>[z, y, x]</c>, or <c>[0, z, y, x]</c> with channels) and returns its spatial part.</summary>
    public Index3 SpatialIndex(ReadOnlySpan<long> chunkIndex)
    {
        var rank = Info.Rank;
        if (chunkIndex.Length != rank)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkIndex), $"{Info.Location}: a chunk index has {rank} coordinates, not {chunkIndex.Length}.");
        }

        if (rank == 4 && chunkIndex[0] != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkIndex), $"{Info.Location}: the channel axis is one chunk; its chunk index is 0, not {chunkIndex[0]}.");
        }

        var index = new Index3(chunkIndex[rank - 3], chunkIndex[rank - 2], chunkIndex[rank - 1]);
        if (index.Z < 0 || index.Y < 0 || index.X < 0 || index.Z >= GridShape.Z || index.Y >= GridShape.Y || index.X >= GridShape.X)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkIndex), $"{Info.Location}: chunk ({index.Z}, {index.Y}, {index.X}) is outside the grid of {GridShape.Z} × {GridShape.Y} × {GridShape.X} chunks.");
        }

        return index;
    }

    /// <summary>Gets the voxels a chunk file holds, in the scale's array coordinates (from 0), cut at the volume's edge.</summary>
    public Box3 ChunkBox(Index3 index)
    {
        var start = index * Scale.ChunkSize;
        return new Box3(start, Index3.Min(start + Scale.ChunkSize, Scale.Size));
    }

    /// <summary>Gets the chunk file's key: <c>scale/x0-x1_y0-y1_z0-z1</c> in global voxel coordinates.</summary>
    public string ChunkKey(Index3 index)
    {
        var box = ChunkBox(index).Shift(Scale.VoxelOffset);
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{box.Start.X}-{box.Stop.X}_{box.Start.Y}-{box.Stop.Y}_{box.Start.Z}-{box.Stop.Z}");
        return ScalePath.Length == 0 ? name : $"{ScalePath}/{name}";
    }

    /// <summary>Gets the number of bytes of a cut chunk of <paramref name="extent"/> voxels.</summary>
    public long CutByteCount(Index3 extent) => extent.Volume * Channels * ElementSize;

    /// <summary>Gets whether a chunk of <paramref name="extent"/> voxels is whole (not cut at the edge).</summary>
    public bool IsWhole(Index3 extent) => extent == Scale.ChunkSize;

    /// <summary>Copies a cut chunk into a whole one, the part past the edge zero.</summary>
    public byte[] Pad(ReadOnlySpan<byte> cut, Index3 extent)
    {
        var whole = new byte[Info.ChunkByteCount];
        var chunk = Scale.ChunkSize;
        var rowBytes = (int)extent.X * ElementSize;
        var wholeRowBytes = (int)chunk.X * ElementSize;
        var source = 0;
        for (var c = 0; c < Channels; c++)
        {
            for (var z = 0; z < extent.Z; z++)
            {
                var target = (int)(((c * chunk.Z) + z) * chunk.Y) * wholeRowBytes;
                for (var y = 0; y < extent.Y; y++)
                {
                    cut.Slice(source, rowBytes).CopyTo(whole.AsSpan(target, rowBytes));
                    source += rowBytes;
                    target += wholeRowBytes;
                }
            }
        }

        return whole;
    }

    /// <summary>Copies the part of a whole chunk inside the volume into a cut one.</summary>
    public byte[] Cut(ReadOnlySpan<byte> whole, Index3 extent)
    {
        var cut = new byte[CutByteCount(extent)];
        var chunk = Scale.ChunkSize;
        var rowBytes = (int)extent.X * ElementSize;
        var wholeRowBytes = (int)chunk.X * ElementSize;
        var target = 0;
        for (var c = 0; c < Channels; c++)
        {
            for (var z = 0; z < extent.Z; z++)
            {
                var source = (int)(((c * chunk.Z) + z) * chunk.Y) * wholeRowBytes;
                for (var y = 0; y < extent.Y; y++)
                {
                    whole.Slice(source, rowBytes).CopyTo(cut.AsSpan(target, rowBytes));
                    source += wholeRowBytes;
                    target += rowBytes;
                }
            }
        }

        return cut;
    }

    private static string FormatXyz(Index3 value) => $"[{value.X}, {value.Y}, {value.Z}]";
}
