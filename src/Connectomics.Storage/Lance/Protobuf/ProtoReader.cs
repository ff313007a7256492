using System.Text;

namespace Connectomics.Storage.Lance.Protobuf;

/// <summary>
/// Reads proto3 wire format from a span. Unknown fields are skipped with <see cref="Skip"/>; repeated numbers
/// are accepted packed or unpacked. Malformed input throws <see cref="LanceFormatException"/>.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wireType = default;
            return false;
        }

        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        if (field <= 0)
        {
            throw new LanceFormatException($"Invalid protobuf field number {field}.");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new LanceFormatException("Truncated protobuf varint.");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new LanceFormatException("Protobuf varint longer than ten bytes.");
    }

    public int ReadInt32() => unchecked((int)(long)ReadVarint());

    public uint ReadUInt32() => unchecked((uint)ReadVarint());

    public bool ReadBool() => ReadVarint() != 0;

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new LanceFormatException("Truncated protobuf length-delimited field.");
        }

        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Reads one occurrence of a repeated varint field, packed or not, into <paramref name="values"/>.</summary>
    public void ReadRepeatedVarint(WireType wireType, List<ulong> values)
    {
        if (wireType == WireType.LengthDelimited)
        {
            var inner = new ProtoReader(ReadBytes());
            while (inner._position < inner._data.Length)
            {
                values.Add(inner.ReadVarint());
            }
        }
        else
        {
            Expect(wireType, WireType.Varint);
            values.Add(ReadVarint());
        }
    }

    public void ReadRepeatedInt32(WireType wireType, List<int> values)
    {
        var raw = new List<ulong>();
        ReadRepeatedVarint(wireType, raw);
        foreach (var v in raw)
        {
            values.Add(unchecked((int)(long)v));
        }
    }

    /// <summary>Reads a map entry message with a string key and a bytes value.</summary>
    public KeyValuePair<string, byte[]> ReadMapEntryBytes()
    {
        var entry = new ProtoReader(ReadBytes());
        var key = string.Empty;
        var value = Array.Empty<byte>();
        while (entry.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: key = entry.ReadString(); break;
                case 2: value = entry.ReadBytes().ToArray(); break;
                default: entry.Skip(w); break;
            }
        }

        return new(key, value);
    }

    /// <summary>Reads a map entry message with a string key and a string value.</summary>
    public KeyValuePair<string, string> ReadMapEntryString()
    {
        var entry = new ProtoReader(ReadBytes());
        var key = string.Empty;
        var value = string.Empty;
        while (entry.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: key = entry.ReadString(); break;
                case 2: value = entry.ReadString(); break;
                default: entry.Skip(w); break;
            }
        }

        return new(key, value);
    }

    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.LengthDelimited:
                ReadBytes();
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                throw new LanceFormatException($"Unsupported protobuf wire type {(int)wireType}.");
        }
    }

    public static void Expect(WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            throw new LanceFormatException($"Protobuf wire type {actual} where {expected} was expected.");
        }
    }

    private void Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            throw new LanceFormatException("Truncated protobuf fixed-width field.");
        }

        _position += count;
    }
}
