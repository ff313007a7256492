using System.Buffers.Binary;
using System.Text;

namespace Connectomics.Storage.Lance.Protobuf;

/// <summary>
/// Writes proto3 wire format into a growing buffer. Scalar helpers skip default values (proto3 implicit
/// presence); the <c>*Present</c> helpers always write, for fields declared <c>optional</c>.
/// Repeated numbers are written packed, as prost does.
/// </summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer;
    private int _length;

    public ProtoWriter(int capacity = 256)
    {
        _buffer = new byte[Math.Max(16, capacity)];
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    public void WriteTag(int field, WireType wireType) => WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);

    public void WriteUInt64(int field, ulong value)
    {
        if (value != 0)
        {
            WriteUInt64Present(field, value);
        }
    }

    public void WriteUInt64Present(int field, ulong value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint(value);
    }

    /// <summary>Writes an int32; negative values are sign-extended to ten bytes as the wire format requires.</summary>
    public void WriteInt32(int field, int value)
    {
        if (value != 0)
        {
            WriteInt32Present(field, value);
        }
    }

    public void WriteInt32Present(int field, int value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)(long)value);
    }

    public void WriteInt64(int field, long value)
    {
        if (value != 0)
        {
            WriteTag(field, WireType.Varint);
            WriteVarint((ulong)value);
        }
    }

    public void WriteBool(int field, bool value)
    {
        if (value)
        {
            WriteTag(field, WireType.Varint);
            WriteVarint(1);
        }
    }

    public void WriteString(int field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            WriteStringPresent(field, value);
        }
    }

    public void WriteStringPresent(int field, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty)
        {
            WriteBytesPresent(field, value);
        }
    }

    /// <summary>Writes a length-delimited field even when empty (an empty sub-message selecting a oneof branch).</summary>
    public void WriteBytesPresent(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        WriteRaw(value);
    }

    public void WriteMessage(int field, ProtoWriter message) => WriteBytesPresent(field, message.WrittenSpan);

    public void WriteMessage(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        WriteMessage(field, inner);
    }

    public void WritePackedUInt64(int field, IReadOnlyList<ulong> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var inner = new ProtoWriter(values.Count * 2);
        foreach (var value in values)
        {
            inner.WriteVarint(value);
        }

        WriteMessage(field, inner);
    }

    public void WritePackedInt32(int field, IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var inner = new ProtoWriter(values.Count * 2);
        foreach (var value in values)
        {
            inner.WriteVarint((ulong)(long)value);
        }

        WriteMessage(field, inner);
    }

    /// <summary>Writes a <c>map&lt;string,bytes&gt;</c> entry per pair.</summary>
    public void WriteMap(int field, IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        foreach (var entry in entries)
        {
            WriteMessage(field, e =>
            {
                e.WriteString(1, entry.Key);
                e.WriteBytes(2, entry.Value);
            });
        }
    }

    /// <summary>Writes a <c>map&lt;string,string&gt;</c> entry per pair.</summary>
    public void WriteMap(int field, IEnumerable<KeyValuePair<string, string>> entries)
    {
        foreach (var entry in entries)
        {
            WriteMessage(field, e =>
            {
                e.WriteString(1, entry.Key);
                e.WriteString(2, entry.Value);
            });
        }
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteUInt32LittleEndian(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    private void Ensure(int extra)
    {
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
        }
    }
}
