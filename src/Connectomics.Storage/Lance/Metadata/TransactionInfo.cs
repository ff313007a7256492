using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Lance.Metadata;

/// <summary>
/// A <c>lance.table.Transaction</c>. This library writes <c>Append</c> and <c>Overwrite</c> (also used to create a
/// table), with <c>transaction_properties</c> (field 4) when the writer tags its commit; for transactions read back it
/// needs the operation and the properties.
/// </summary>
internal sealed class TransactionInfo
{
    public const int AppendOperation = 100;
    public const int DeleteOperation = 101;
    public const int OverwriteOperation = 102;
    public const int RestoreOperation = 106;

    public ulong ReadVersion { get; set; }

    public string Uuid { get; set; } = string.Empty;

    /// <summary>Gets or sets the field number of the operation (100 append, 102 overwrite, …); 0 when none.</summary>
    public int Operation { get; set; }

    /// <summary>Gets the new fragments (ids left 0; the manifest assigns them).</summary>
    public List<FragmentInfo> Fragments { get; } = [];

    /// <summary>Gets the schema of an overwrite.</summary>
    public List<LanceFieldInfo> Schema { get; } = [];

    public Dictionary<string, byte[]> SchemaMetadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the <c>transaction_properties</c> (field 4): free-form text the writer records with the commit.</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

    public byte[] Encode()
    {
        if (Operation is not (AppendOperation or OverwriteOperation))
        {
            throw new InvalidOperationException($"Only append and overwrite transactions are written (operation {Operation}).");
        }

        var w = new ProtoWriter(512);
        w.WriteUInt64(1, ReadVersion);
        w.WriteString(2, Uuid);
        w.WriteMap(4, Properties.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        w.WriteMessage(Operation, op =>
        {
            foreach (var fragment in Fragments)
            {
                op.WriteMessage(1, fragment.WriteTo);
            }

            if (Operation == OverwriteOperation)
            {
                foreach (var field in Schema)
                {
                    op.WriteMessage(2, field.WriteTo);
                }

                op.WriteMap(3, SchemaMetadata.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            }
        });
        return w.ToArray();
    }

    public static TransactionInfo Decode(ReadOnlySpan<byte> data)
    {
        var txn = new TransactionInfo();
        var r = new ProtoReader(data);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: txn.ReadVersion = r.ReadVarint(); break;
                case 2: txn.Uuid = r.ReadString(); break;
                case 4:
                    var property = r.ReadMapEntryString();
                    txn.Properties[property.Key] = property.Value;
                    break;
                case >= 100 and < 200:
                    txn.Operation = f;
                    var body = r.ReadBytes();
                    if (f is AppendOperation or OverwriteOperation)
                    {
                        ReadOperation(txn, body);
                    }

                    break;
                default: r.Skip(w); break;
            }
        }

        return txn;
    }

    private static void ReadOperation(TransactionInfo txn, ReadOnlySpan<byte> body)
    {
        var r = new ProtoReader(body);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: txn.Fragments.Add(FragmentInfo.Read(r.ReadBytes())); break;
                case 2 when txn.Operation == OverwriteOperation: txn.Schema.Add(LanceFieldInfo.Read(r.ReadBytes())); break;
                case 3 when txn.Operation == OverwriteOperation:
                    var entry = r.ReadMapEntryBytes();
                    txn.SchemaMetadata[entry.Key] = entry.Value;
                    break;
                default: r.Skip(w); break;
            }
        }
    }
}
