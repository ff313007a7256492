using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Lance.Encodings;

/// <summary>Builders for the small encoding messages shared by the 2.0 and 2.1 writers.</summary>
internal static class EncodingMessages
{
    public const string ArrayEncodingUrl = "/lance.encodings.ArrayEncoding";
    public const string PageLayoutUrl = "/lance.encodings21.PageLayout";
    public const string ColumnEncodingUrl = "/lance.encodings.ColumnEncoding";

    /// <summary>Serializes <c>google.protobuf.Any{type_url, value}</c>.</summary>
    public static byte[] Any(string typeUrl, ReadOnlySpan<byte> value)
    {
        var w = new ProtoWriter(value.Length + typeUrl.Length + 8);
        w.WriteString(1, typeUrl);
        w.WriteBytesPresent(2, value);
        return w.ToArray();
    }

    /// <summary>Writes a <c>lance.file.v2.Encoding</c> with the <c>direct</c> branch holding <paramref name="any"/>.</summary>
    public static void WriteDirectEncoding(ProtoWriter w, int field, byte[] any) =>
        w.WriteMessage(field, e => e.WriteMessage(2, d => d.WriteBytesPresent(1, any)));

    /// <summary>Gets the column-level encoding Lance writes for every column: <c>ColumnEncoding{values = Empty}</c>.</summary>
    public static byte[] ColumnEncoding()
    {
        var inner = new ProtoWriter(4);
        inner.WriteBytesPresent(1, []);
        return Any(ColumnEncodingUrl, inner.WrittenSpan);
    }

    /// <summary>Reads the <c>Any</c> inside a <c>lance.file.v2.Encoding</c>; returns its type name and value.</summary>
    public static (string TypeUrl, byte[] Value) ReadDirectEncoding(ReadOnlySpan<byte> encoding)
    {
        var r = new ProtoReader(encoding);
        while (r.TryReadTag(out var f, out var w))
        {
            if (f == 2)
            {
                var direct = new ProtoReader(r.ReadBytes());
                while (direct.TryReadTag(out var df, out var dw))
                {
                    if (df == 1)
                    {
                        return ReadAny(direct.ReadBytes());
                    }

                    direct.Skip(dw);
                }

                throw new LanceFormatException("Direct encoding without a payload.");
            }

            if (f == 1)
            {
                throw new LanceFormatException("Deferred (indirect) encodings are not supported.");
            }

            r.Skip(w);
        }

        throw new LanceFormatException("Missing page encoding.");
    }

    public static (string TypeUrl, byte[] Value) ReadAny(ReadOnlySpan<byte> any)
    {
        var url = string.Empty;
        var value = Array.Empty<byte>();
        var r = new ProtoReader(any);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: url = r.ReadString(); break;
                case 2: value = r.ReadBytes().ToArray(); break;
                default: r.Skip(w); break;
            }
        }

        return (url, value);
    }
}
