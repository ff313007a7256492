using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Lance.Metadata;

/// <summary>
/// A <c>lance.table.Manifest</c>: the schema, fragments and bookkeeping of one table version. Fields this library
/// does not interpret are kept verbatim so that a new version built from an old one loses nothing.
/// </summary>
internal sealed class ManifestInfo
{
    /// <summary>Reader/writer feature flag: some fragment has a deletion file.</summary>
    public const ulong FeatureDeletionFiles = 1;

    public List<LanceFieldInfo> Fields { get; } = [];

    public Dictionary<string, byte[]> SchemaMetadata { get; } = new(StringComparer.Ordinal);

    public List<FragmentInfo> Fragments { get; } = [];

    public ulong Version { get; set; }

    public string? WriterLibrary { get; set; }

    public string? WriterLibraryVersion { get; set; }

    public ulong? IndexSection { get; set; }

    public DateTimeOffset? Timestamp { get; set; }

    public ulong ReaderFeatureFlags { get; set; }

    public ulong WriterFeatureFlags { get; set; }

    public uint? MaxFragmentId { get; set; }

    public string TransactionFile { get; set; } = string.Empty;

    public ulong? TransactionSection { get; set; }

    public string? DataFormat { get; set; }

    public string? DataFormatVersion { get; set; }

    public Dictionary<string, string> Config { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> TableMetadata { get; } = new(StringComparer.Ordinal);

    public List<byte[]> UnknownFields { get; } = [];

    public byte[] Encode()
    {
        var w = new ProtoWriter(1024);
        foreach (var field in Fields)
        {
            w.WriteMessage(1, field.WriteTo);
        }

        foreach (var fragment in Fragments)
        {
            w.WriteMessage(2, fragment.WriteTo);
        }

        w.WriteUInt64(3, Version);
        w.WriteMap(5, SchemaMetadata.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        if (IndexSection is { } indexSection)
        {
            w.WriteUInt64Present(6, indexSection);
        }

        if (Timestamp is { } timestamp)
        {
            var ticks = timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
            var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
            w.WriteMessage(7, t =>
            {
                t.WriteInt64(1, seconds);
                t.WriteInt32(2, (int)(remainder * 100));
            });
        }

        w.WriteUInt64(9, ReaderFeatureFlags);
        w.WriteUInt64(10, WriterFeatureFlags);
        if (MaxFragmentId is { } maxFragmentId)
        {
            w.WriteUInt64Present(11, maxFragmentId);
        }

        w.WriteString(12, TransactionFile);
        if (WriterLibrary is not null)
        {
            w.WriteMessage(13, v =>
            {
                v.WriteString(1, WriterLibrary);
                v.WriteString(2, WriterLibraryVersion);
            });
        }

        if (DataFormat is not null)
        {
            w.WriteMessage(15, d =>
            {
                d.WriteString(1, DataFormat);
                d.WriteString(2, DataFormatVersion);
            });
        }

        w.WriteMap(16, Config.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        w.WriteMap(19, TableMetadata.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        if (TransactionSection is { } transactionSection)
        {
            w.WriteUInt64Present(21, transactionSection);
        }

        foreach (var raw in UnknownFields)
        {
            w.WriteRaw(raw);
        }

        return w.ToArray();
    }

    public static ManifestInfo Decode(ReadOnlySpan<byte> data)
    {
        var m = new ManifestInfo();
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
                case 1: m.Fields.Add(LanceFieldInfo.Read(r.ReadBytes())); break;
                case 2: m.Fragments.Add(FragmentInfo.Read(r.ReadBytes())); break;
                case 3: m.Version = r.ReadVarint(); break;
                case 5:
                    var meta = r.ReadMapEntryBytes();
                    m.SchemaMetadata[meta.Key] = meta.Value;
                    break;
                case 6: m.IndexSection = r.ReadVarint(); break;
                case 7: m.Timestamp = ReadTimestamp(r.ReadBytes()); break;
                case 9: m.ReaderFeatureFlags = r.ReadVarint(); break;
                case 10: m.WriterFeatureFlags = r.ReadVarint(); break;
                case 11: m.MaxFragmentId = r.ReadUInt32(); break;
                case 12: m.TransactionFile = r.ReadString(); break;
                case 13:
                    (m.WriterLibrary, m.WriterLibraryVersion) = ReadStringPair(r.ReadBytes());
                    break;
                case 15:
                    (m.DataFormat, m.DataFormatVersion) = ReadStringPair(r.ReadBytes());
                    break;
                case 16:
                    var config = r.ReadMapEntryString();
                    m.Config[config.Key] = config.Value;
                    break;
                case 19:
                    var tableMeta = r.ReadMapEntryString();
                    m.TableMetadata[tableMeta.Key] = tableMeta.Value;
                    break;
                case 21: m.TransactionSection = r.ReadVarint(); break;
                default:
                    r.Skip(w);
                    m.UnknownFields.Add(data[start..r.Position].ToArray());
                    break;
            }
        }

        return m;
    }

    private static DateTimeOffset ReadTimestamp(ReadOnlySpan<byte> data)
    {
        long seconds = 0;
        long nanos = 0;
        var r = new ProtoReader(data);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: seconds = (long)r.ReadVarint(); break;
                case 2: nanos = r.ReadInt32(); break;
                default: r.Skip(w); break;
            }
        }

        return DateTimeOffset.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (nanos / 100));
    }

    private static (string First, string Second) ReadStringPair(ReadOnlySpan<byte> data)
    {
        var first = string.Empty;
        var second = string.Empty;
        var r = new ProtoReader(data);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: first = r.ReadString(); break;
                case 2: second = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }

        return (first, second);
    }
}
