namespace Connectomics.Storage.Lance.Encodings;

/// <summary>
/// One encoded page: its buffers in buffer-index order and its encoding (a serialized <c>Any</c>). A buffer may be
/// given as several pieces that are written back to back (a page built from several batches without copying them
/// into one array first).
/// </summary>
internal sealed class EncodedPage
{
    public EncodedPage(IReadOnlyList<ReadOnlyMemory<byte>> buffers, byte[] encoding, long rows)
        : this([.. buffers.Select(b => (IReadOnlyList<ReadOnlyMemory<byte>>)[b])], encoding, rows)
    {
    }

    public EncodedPage(IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> bufferPieces, byte[] encoding, long rows)
    {
        BufferPieces = bufferPieces;
        Encoding = encoding;
        Rows = rows;
    }

    /// <summary>Gets each buffer as the pieces that make it up, in order.</summary>
    public IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> BufferPieces { get; }

    /// <summary>Gets each buffer as one block of memory (pieces are joined into a copy).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Buffers =>
        [.. BufferPieces.Select(pieces => pieces.Count == 1 ? pieces[0] : (ReadOnlyMemory<byte>)pieces.SelectMany(p => p.ToArray()).ToArray())];

    public byte[] Encoding { get; }

    public long Rows { get; }
}
