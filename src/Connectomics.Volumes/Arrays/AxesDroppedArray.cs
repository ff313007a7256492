namespace Connectomics.Volumes.Arrays;

/// <summary>
/// A view of a chunked array without some of its axes, each of extent 1 (OME-Zarr's <c>t</c> of a single time point, a
/// singleton channel of a 5-D <c>tczyx</c> image): index 0 along each dropped axis, so a <c>[1, c, z, y, x]</c> array
/// reads as <c>[c, z, y, x]</c>.
/// </summary>
/// <remarks>A dropped axis whose chunks are longer than 1 must come before every kept axis, so that index 0 along it is
/// the leading part of each decoded chunk.</remarks>
internal sealed class AxesDroppedArray : IChunkedArray
{
    private readonly IChunkedArray _inner;
    private readonly bool[] _dropped;
    private readonly long _chunkBytes;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="inner">The array.</param>
    /// <param name="dropped">For each axis of <paramref name="inner"/>, whether the view leaves it out.</param>
    /// <exception cref="ArgumentException">A dropped axis has an extent other than 1, or chunks longer than 1 after a kept axis.</exception>
    public AxesDroppedArray(IChunkedArray inner, bool[] dropped)
    {
        _inner = inner;
        _dropped = dropped;
        var info = inner.Info;
        var firstKept = Array.IndexOf(dropped, false);
        for (var axis = 0; axis < dropped.Length; axis++)
        {
            if (dropped[axis] && info.Shape[axis] != 1)
            {
                throw new ArgumentException($"{info.Location}: axis {axis} has extent {info.Shape[axis]}; only axes of extent 1 can be left out.", nameof(dropped));
            }

            if (dropped[axis] && axis > firstKept && info.ChunkShape[axis] != 1)
            {
                throw new ArgumentException($"{info.Location}: axis {axis} comes after a kept axis and has chunks of {info.ChunkShape[axis]}.", nameof(dropped));
            }
        }

        Info = info with
        {
            Shape = Keep(info.Shape),
            ChunkShape = Keep(info.ChunkShape),
            ShardShape = info.ShardShape is null ? null : Keep(info.ShardShape),
            DimensionNames = info.DimensionNames is null ? null : Keep(info.DimensionNames),
        };
        _chunkBytes = Info.ChunkByteCount;
    }

    /// <inheritdoc/>
    public ChunkedArrayInfo Info { get; }

    /// <inheritdoc/>
    public string ChunkKey(ReadOnlySpan<long> chunkIndex) => _inner.ChunkKey(Expand(chunkIndex));

    /// <inheritdoc/>
    public async ValueTask<byte[]?> ReadChunkAsync(ReadOnlyMemory<long> chunkIndex, CancellationToken cancellationToken = default)
    {
        var chunk = await _inner.ReadChunkAsync(Expand(chunkIndex.Span), cancellationToken).ConfigureAwait(false);
        return chunk is null || chunk.Length == _chunkBytes ? chunk : chunk.AsSpan(0, (int)_chunkBytes).ToArray();
    }

    private T[] Keep<T>(IReadOnlyList<T> values) => [.. values.Where((_, axis) => !_dropped[axis])];

    private long[] Expand(ReadOnlySpan<long> index)
    {
        if (index.Length != Info.Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"{Info.Location}: a chunk index has {Info.Rank} coordinates, not {index.Length}.");
        }

        var full = new long[_dropped.Length];
        var next = 0;
        for (var axis = 0; axis < full.Length; axis++)
        {
            full[axis] = _dropped[axis] ? 0 : index[next++];
        }

        return full;
    }
}
