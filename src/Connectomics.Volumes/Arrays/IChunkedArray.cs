namespace Connectomics.Volumes.Arrays;

/// <summary>
/// A chunked array that can be read one chunk at a time; the formats (Zarr v2, Zarr v3, precomputed) implement it, and
/// the reading engine (cache, concurrency, retries, boundary handling) works on it alone.
/// </summary>
public interface IChunkedArray
{
    /// <summary>Gets the array's shape, chunking, element type and fill value.</summary>
    ChunkedArrayInfo Info { get; }

    /// <summary>Gets the store key of a chunk, as error messages and quarantine files name it.</summary>
    /// <param name="chunkIndex">The chunk's position in the chunk grid, one coordinate per axis.</param>
    /// <returns>The key (for an inner chunk of a shard: the shard's key with the inner position, e.g. <c>c/0/0/0[1,0,3]</c>).</returns>
    string ChunkKey(ReadOnlySpan<long> chunkIndex);

    /// <summary>
    /// Reads and decodes one chunk: its whole <see cref="ChunkedArrayInfo.ChunkShape"/>, little-endian elements in C
    /// order, whatever order and byte order the format stores (edge chunks whole too, the part past the array's edge as
    /// the format leaves it: the stored bytes for Zarr, the fill value where the format stores edge chunks cut).
    /// </summary>
    /// <param name="chunkIndex">The chunk's position in the chunk grid.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The decoded bytes (<see cref="ChunkedArrayInfo.ChunkByteCount"/> of them), or <see langword="null"/> when
    /// the chunk is not stored (every element is the fill value).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkIndex"/> is outside the chunk grid.</exception>
    /// <exception cref="Errors.VolumeDataException">The stored chunk is corrupt: it fails to decompress, fails its
    /// checksum, or decodes to the wrong number of bytes. Never transient.</exception>
    /// <exception cref="IOException">The store failed; possibly transient.</exception>
    ValueTask<byte[]?> ReadChunkAsync(ReadOnlyMemory<long> chunkIndex, CancellationToken cancellationToken = default);
}
