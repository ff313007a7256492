using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Lance.Metadata;

/// <summary>A <c>lance.table.DeletionFile</c>: where a fragment's deleted row offsets are kept.</summary>
internal sealed class DeletionFileInfo
{
    /// <summary>0 = Arrow IPC file (<c>.arrow</c>), 1 = roaring bitmap (<c>.bin</c>).</summary>
    public int FileType { get; set; }

    public ulong ReadVersion { get; set; }

    public ulong Id { get; set; }

    public ulong NumDeletedRows { get; set; }

    /// <summary>Gets the path relative to the table directory, rebuilt from the fields as Lance does.</summary>
    public string RelativePath(ulong fragmentId) =>
        $"_deletions/{fragmentId}-{ReadVersion}-{Id}.{(FileType == 0 ? "arrow" : "bin")}";

    public void WriteTo(ProtoWriter w)
    {
        w.WriteInt32(1, FileType);
        w.WriteUInt64(2, ReadVersion);
        w.WriteUInt64(3, Id);
        w.WriteUInt64(4, NumDeletedRows);
    }

    public static DeletionFileInfo Read(ReadOnlySpan<byte> data)
    {
        var file = new DeletionFileInfo();
        var r = new ProtoReader(data);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: file.FileType = r.ReadInt32(); break;
                case 2: file.ReadVersion = r.ReadVarint(); break;
                case 3: file.Id = r.ReadVarint(); break;
                case 4: file.NumDeletedRows = r.ReadVarint(); break;
                default: r.Skip(w); break;
            }
        }

        return file;
    }
}
