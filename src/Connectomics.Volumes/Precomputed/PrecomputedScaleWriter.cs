using System.IO.Compression;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Precomputed;

/// <summary>
/// Writes one scale's raw chunk files: a whole decoded chunk in, the part inside the volume stored (cut at the edge),
/// under the plain name or, compressed, as <c>name.gz</c>; the other name is removed afterwards, so a reader that tries
/// the plain name first never sees a stale chunk.
/// </summary>
internal sealed class PrecomputedScaleWriter : IChunkedArrayWriter
{
    private const string GzipSuffix = ".gz";

    private readonly IKeyValueStore _store;
    private readonly PrecomputedChunkGrid _grid;
    private readonly bool _compress;
    private readonly CompressionLevel _level;

    public PrecomputedScaleWriter(IKeyValueStore store, PrecomputedChunkGrid grid, bool compress, CompressionLevel level)
    {
        _store = store;
        _grid = grid;
        _compress = compress;
        _level = level;
    }

    public ChunkedArrayInfo Info => _grid.Info;

    public async ValueTask WriteUnitAsync(ReadOnlyMemory<long> unitIndex, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var index = _grid.SpatialIndex(unitIndex.Span);
        if (data.Length != Info.ChunkByteCount)
        {
            throw new ArgumentException($"{Info.Location}: a chunk is {Info.ChunkByteCount} bytes, not {data.Length}.", nameof(data));
        }

        var extent = _grid.ChunkBox(index).Size;
        var cut = _grid.IsWhole(extent) ? data : _grid.Cut(data.Span, extent);
        var key = _grid.ChunkKey(index);
        if (_compress)
        {
            await _store.PutAsync(key + GzipSuffix, Gzip(cut.Span), cancellationToken).ConfigureAwait(false);
            await _store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _store.PutAsync(key, cut, cancellationToken).ConfigureAwait(false);
            await _store.DeleteAsync(key + GzipSuffix, cancellationToken).ConfigureAwait(false);
        }
    }

    private byte[] Gzip(ReadOnlySpan<byte> raw)
    {
        using var output = new MemoryStream((raw.Length / 2) + 64);
        using (var gzip = new GZipStream(output, _level, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }
}
