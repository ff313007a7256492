using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Lance.Files;

/// <summary>A <c>lance.file.v2.ColumnMetadata.Page</c>: where a page's buffers are, its row count and its encoding.</summary>
internal sealed class PageInfo
{
    public List<ulong> BufferOffsets { get; } = [];

    public List<ulong> BufferSizes { get; } = [];

    public ulong Rows { get; private set; }

    /// <summary>Gets the serialized <c>lance.file.v2.Encoding</c>.</summary>
    public byte[] Encoding { get; private set; } = [];

    public static PageInfo Read(ReadOnlySpan<byte> data)
    {
        var page = new PageInfo();
        var r = new ProtoReader(data);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: r.ReadRepeatedVarint(w, page.BufferOffsets); break;
                case 2: r.ReadRepeatedVarint(w, page.BufferSizes); break;
                case 3: page.Rows = r.ReadVarint(); break;
                case 4: page.Encoding = r.ReadBytes().ToArray(); break;
                default: r.Skip(w); break;
            }
        }

        if (page.BufferOffsets.Count != page.BufferSizes.Count)
        {
            throw new LanceFormatException("Page buffer offsets and sizes differ in count.");
        }

        return page;
    }
}
