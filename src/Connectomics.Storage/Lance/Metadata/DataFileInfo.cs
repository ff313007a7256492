using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Lance.Metadata;

/// <summary>A <c>lance.table.DataFile</c>: one data file of a fragment and the fields it stores.</summary>
internal sealed class DataFileInfo
{
    public string Path { get; set; } = string.Empty;

    public List<int> Fields { get; } = [];

    public List<int> ColumnIndices { get; } = [];

    public uint MajorVersion { get; set; }

    public uint MinorVersion { get; set; }

    public ulong FileSizeBytes { get; set; }

    public void WriteTo(ProtoWriter w)
    {
        w.WriteString(1, Path);
        w.WritePackedInt32(2, Fields);
        w.WritePackedInt32(3, ColumnIndices);
        w.WriteUInt64(4, MajorVersion);
        w.WriteUInt64(5, MinorVersion);
        w.WriteUInt64(6, FileSizeBytes);
    }

    public static DataFileInfo Read(ReadOnlySpan<byte> data)
    {
        var file = new DataFileInfo();
        var r = new ProtoReader(data);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: file.Path = r.ReadString(); break;
                case 2: r.ReadRepeatedInt32(w, file.Fields); break;
                case 3: r.ReadRepeatedInt32(w, file.ColumnIndices); break;
                case 4: file.MajorVersion = r.ReadUInt32(); break;
                case 5: file.MinorVersion = r.ReadUInt32(); break;
                case 6: file.FileSizeBytes = r.ReadVarint(); break;
                default: r.Skip(w); break;
            }
        }

        return file;
    }
}
