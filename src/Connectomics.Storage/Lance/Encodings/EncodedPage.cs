namespace Connectomics.Storage.Lance.Encodings;

/// <summary>One encoded page: its buffers in buffer-index order and its encoding (a serialized <c>Any</c>).</summary>
internal sealed class EncodedPage(IReadOnlyList<ReadOnlyMemory<byte>> buffers, byte[] encoding, long rows)
{
    public IReadOnlyList<ReadOnlyMemory<byte>> Buffers { get; } = buffers;

    public byte[] Encoding { get; } = encoding;

    public long Rows { get; } = rows;
}
