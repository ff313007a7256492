using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Lance.Metadata;

/// <summary>A <c>lance.table.DataFragment</c>. Fields this library does not interpret are kept verbatim.</summary>
internal sealed class FragmentInfo
{
    public ulong Id { get; set; }

    public List<DataFileInfo> Files { get; } = [];

    public DeletionFileInfo? DeletionFile { get; set; }

    public ulong PhysicalRows { get; set; }

    /// <summary>Gets the encoded fields other than 1–4 (row-id sequences, overlays), re-emitted unchanged.</summary>
    public List<byte[]> UnknownFields { get; } = [];

    public ulong LiveRows => PhysicalRows - (DeletionFile?.NumDeletedRows ?? 0);

    public void WriteTo(ProtoWriter w)
    {
        w.WriteUInt64(1, Id);
        foreach (var file in Files)
        {
            w.WriteMessage(2, file.WriteTo);
        }

        if (DeletionFile is not null)
        {
            w.WriteMessage(3, DeletionFile.WriteTo);
        }

        w.WriteUInt64(4, PhysicalRows);
        foreach (var raw in UnknownFields)
        {
            w.WriteRaw(raw);
        }
    }

    public static FragmentInfo Read(ReadOnlySpan<byte> data)
    {
        var fragment = new FragmentInfo();
        var r = new ProtoReader(data);
        while (true)
        {
            var start = r.Position;
            if (!r.TryReadTag(out var f, out var w))
            {
                break;
            }

            switch (f)
            {
                case 1: fragment.Id = r.ReadVarint(); break;
                case 2: fragment.Files.Add(DataFileInfo.Read(r.ReadBytes())); break;
                case 3: fragment.DeletionFile = DeletionFileInfo.Read(r.ReadBytes()); break;
                case 4: fragment.PhysicalRows = r.ReadVarint(); break;
                default:
                    r.Skip(w);
                    fragment.UnknownFields.Add(data[start..r.Position].ToArray());
                    break;
            }
        }

        return fragment;
    }
}
