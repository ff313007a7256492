namespace Connectomics.Volumes.Arrays;

/// <summary>
/// Writes a chunked array one write unit (a chunk, or a whole shard) at a time; each unit is encoded and stored
/// atomically, so a unit is either its old content or its new content, never a mix.
/// </summary>
public interface IChunkedArrayWriter
{
    /// <summary>Gets the array's shape, chunking, element type and fill value.</summary>
    ChunkedArrayInfo Info { get; }

    /// <summary>
    /// Encodes and stores one write unit. In formats with a fill value (Zarr), chunks whose elements all equal it are
    /// not stored (and a stored one is removed), as zarr-python does by default; Neuroglancer precomputed has none and
    /// stores every chunk, since its readers treat a missing chunk as an error.
    /// </summary>
    /// <param name="unitIndex">The unit's position in the grid of <see cref="ChunkedArrayInfo.WriteUnitShape"/>.</param>
    /// <param name="data">The unit's whole decoded content: little-endian elements in C order over
    /// <see cref="ChunkedArrayInfo.WriteUnitShape"/> (past the array's edge, any values; they are stored as the format
    /// requires).</param>
    /// <param name="cancellationToken">Cancels the write; the unit keeps its old content.</param>
    /// <returns>A task that completes when the unit is stored.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unitIndex"/> is outside the grid.</exception>
    /// <exception cref="ArgumentException"><paramref name="data"/> has the wrong length.</exception>
    ValueTask WriteUnitAsync(ReadOnlyMemory<long> unitIndex, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);
}
