using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Lance.Metadata;

/// <summary>A <c>lance.file.Field</c>: one schema node, flattened pre-order with parent ids.</summary>
internal sealed class LanceFieldInfo
{
    public string Name { get; set; } = string.Empty;

    public int Id { get; set; }

    public int ParentId { get; set; } = -1;

    public string LogicalType { get; set; } = string.Empty;

    public bool Nullable { get; set; }

    /// <summary>The legacy encoding hint (1 plain, 2 var-binary).</summary>
    public int Encoding { get; set; }

    public Dictionary<string, byte[]> Metadata { get; } = new(StringComparer.Ordinal);

    public void WriteTo(ProtoWriter w)
    {
        w.WriteString(2, Name);
        w.WriteInt32(3, Id);
        w.WriteInt32(4, ParentId);
        w.WriteString(5, LogicalType);
        w.WriteBool(6, Nullable);
        w.WriteInt32(7, Encoding);
        w.WriteMap(10, Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    public static LanceFieldInfo Read(ReadOnlySpan<byte> data)
    {
        var field = new LanceFieldInfo { ParentId = 0 };
        var r = new ProtoReader(data);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 2: field.Name = r.ReadString(); break;
                case 3: field.Id = r.ReadInt32(); break;
                case 4: field.ParentId = r.ReadInt32(); break;
                case 5: field.LogicalType = r.ReadString(); break;
                case 6: field.Nullable = r.ReadBool(); break;
                case 7: field.Encoding = r.ReadInt32(); break;
                case 10:
                    var entry = r.ReadMapEntryBytes();
                    field.Metadata[entry.Key] = entry.Value;
                    break;
                default: r.Skip(w); break;
            }
        }

        return field;
    }
}
