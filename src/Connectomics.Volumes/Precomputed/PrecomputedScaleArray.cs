using System.IO.Compression;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Precomputed;

/// <summary>
/// One unsharded scale of a precomputed volume read as a chunked array: <c>[z, y, x]</c>, or <c>[c, z, y, x]</c> with
/// several channels, voxel index 0 at the scale's <c>voxel_offset</c>. Chunks are read whole (padded with zeros past
/// the volume's edge, where the files are cut).
/// </summary>
/// <remarks>
/// A chunk is looked for under its plain name, then under <c>name.gz</c> (how CloudVolume stores gzip chunks on disk;
/// over HTTP it uses the plain name with <c>Content-Encoding: gzip</c>, which the store decodes). The name that was
/// found last is tried first next time, so a volume of <c>.gz</c> files costs one request per chunk once the first is
/// found; a chunk missing under both names costs two. Thread-safe.
/// </remarks>
internal sealed class PrecomputedScaleArray : IChunkedArray
{
    private const string GzipSuffix = ".gz";

    private readonly IKeyValueStore _store;
    private readonly PrecomputedChunkGrid _grid;
    private readonly bool _fillMissing;
    private readonly bool _isJpeg;
    private volatile bool _gzipFirst;

    public PrecomputedScaleArray(IKeyValueStore store, PrecomputedChunkGrid grid, bool fillMissing)
    {
        _store = store;
        _grid = grid;
        _fillMissing = fillMissing;
        _isJpeg = grid.Scale.Encoding == PrecomputedEncodings.Jpeg;
    }

    public ChunkedArrayInfo Info => _grid.Info;

    public string ChunkKey(ReadOnlySpan<long> chunkIndex) => _grid.ChunkKey(_grid.SpatialIndex(chunkIndex));

    public async ValueTask<byte[]?> ReadChunkAsync(ReadOnlyMemory<long> chunkIndex, CancellationToken cancellationToken = default)
    {
        var index = _grid.SpatialIndex(chunkIndex.Span);
        var key = _grid.ChunkKey(index);
        var (stored, gzipped) = await FetchAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return _fillMissing
                ? null
                : throw new MissingChunkException(
                    Info.Location,
                    key,
                    $"no chunk file under '{key}' or '{key}{GzipSuffix}'; precomputed has no fill value. Open the scale with fillMissing: true to read missing chunks as zeros.");
        }

        var storedKey = gzipped ? key + GzipSuffix : key;
        var extent = _grid.ChunkBox(index).Size;
        byte[] cut;
        if (_isJpeg)
        {
            try
            {
                cut = JpegChunkDecoder.Decode(gzipped ? Gunzip(stored, storedKey) : stored, extent.Volume, _grid.Channels);
            }
            catch (InvalidDataException exception)
            {
                throw new VolumeDataException(Info.Location, storedKey, exception.Message, exception);
            }
        }
        else
        {
            var expected = _grid.CutByteCount(extent);
            cut = gzipped ? GunzipRaw(stored, storedKey, expected, extent) : stored;
            if (cut.LongLength != expected)
            {
                throw WrongSize(storedKey, extent, expected, $"the file holds {cut.LongLength}");
            }
        }

        return _grid.IsWhole(extent) ? cut : _grid.Pad(cut, extent);
    }

    private async ValueTask<(byte[]? Value, bool Gzipped)> FetchAsync(string key, CancellationToken cancellationToken)
    {
        var gzipFirst = _gzipFirst;
        var first = await _store.GetAsync(gzipFirst ? key + GzipSuffix : key, cancellationToken).ConfigureAwait(false);
        if (first is not null)
        {
            return (first, gzipFirst);
        }

        var second = await _store.GetAsync(gzipFirst ? key : key + GzipSuffix, cancellationToken).ConfigureAwait(false);
        if (second is not null)
        {
            _gzipFirst = !gzipFirst;
            return (second, !gzipFirst);
        }

        return (null, false);
    }

    private VolumeDataException WrongSize(string storedKey, Geometry.Index3 extent, long expected, string found) =>
        new(Info.Location, storedKey, $"a raw chunk of {extent.X} × {extent.Y} × {extent.Z} voxels × {_grid.Channels} channel(s) × {_grid.ElementSize} bytes is {expected} bytes, but {found}.");

    /// <summary>Decompresses a raw <c>.gz</c> chunk file straight into an array of the size the chunk must have.</summary>
    private byte[] GunzipRaw(byte[] stored, string storedKey, long expected, Geometry.Index3 extent)
    {
        try
        {
            using var input = new MemoryStream(stored, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            var decoded = new byte[expected];
            var read = gzip.ReadAtLeast(decoded, decoded.Length, throwOnEndOfStream: false);
            if (read < decoded.Length)
            {
                throw WrongSize(storedKey, extent, expected, $"the gzip file decompresses to {read}");
            }

            Span<byte> probe = stackalloc byte[1];
            return gzip.Read(probe) == 0 ? decoded : throw WrongSize(storedKey, extent, expected, "the gzip file decompresses to more");
        }
        catch (InvalidDataException exception)
        {
            throw new VolumeDataException(Info.Location, storedKey, $"the gzip file does not decompress: {exception.Message}", exception);
        }
    }

    /// <summary>Decompresses a <c>.gz</c> chunk file of unknown decoded size (a JPEG image).</summary>
    private byte[] Gunzip(byte[] stored, string storedKey)
    {
        try
        {
            using var input = new MemoryStream(stored, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream(stored.Length * 2);
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException exception)
        {
            throw new VolumeDataException(Info.Location, storedKey, $"the gzip file does not decompress: {exception.Message}", exception);
        }
    }
}
