using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Connectomics.Lora.Logging;

/// <summary>
/// Encodes the TensorBoard <c>Event</c> protocol-buffer messages the event writer needs, field by field in
/// ascending field-number order, as a protobuf serializer would: <c>Event</c> {wall_time = 1 (double),
/// step = 2 (int64), file_version = 3 (string), summary = 5 (Summary)}, <c>Summary</c> {value = 1 (repeated
/// Value)}, <c>Summary.Value</c> {tag = 1 (string), simple_value = 2 (float)}. A step of 0 is left out, as proto3
/// leaves out default values.
/// </summary>
internal static class TensorBoardEventEncoding
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    /// <summary>Encodes the first event of a file: its wall time and <c>file_version</c>.</summary>
    /// <param name="wallTime">Seconds since the Unix epoch.</param>
    /// <param name="fileVersion">The version string, <c>brain.Event:2</c>.</param>
    /// <returns>The encoded <c>Event</c>.</returns>
    public static byte[] FileVersionEvent(double wallTime, string fileVersion)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        WriteDouble(buffer, 1, wallTime);
        WriteString(buffer, 3, fileVersion);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes an event that carries one scalar summary value.</summary>
    /// <param name="wallTime">Seconds since the Unix epoch.</param>
    /// <param name="step">The global step.</param>
    /// <param name="tag">The scalar's tag.</param>
    /// <param name="value">The scalar (<c>simple_value</c>).</param>
    /// <returns>The encoded <c>Event</c>.</returns>
    public static byte[] ScalarEvent(double wallTime, long step, string tag, float value)
    {
        var summaryValue = new ArrayBufferWriter<byte>(tag.Length + 16);
        WriteString(summaryValue, 1, tag);
        WriteFloat(summaryValue, 2, value);

        var summary = new ArrayBufferWriter<byte>(summaryValue.WrittenCount + 8);
        WriteBytes(summary, 1, summaryValue.WrittenSpan);

        var buffer = new ArrayBufferWriter<byte>(summary.WrittenCount + 32);
        WriteDouble(buffer, 1, wallTime);
        if (step != 0)
        {
            WriteTag(buffer, 2, WireVarint);
            WriteVarint(buffer, unchecked((ulong)step));
        }

        WriteBytes(buffer, 5, summary.WrittenSpan);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteDouble(ArrayBufferWriter<byte> buffer, int field, double value)
    {
        WriteTag(buffer, field, WireFixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(sizeof(double)), value);
        buffer.Advance(sizeof(double));
    }

    private static void WriteFloat(ArrayBufferWriter<byte> buffer, int field, float value)
    {
        WriteTag(buffer, field, WireFixed32);
        BinaryPrimitives.WriteSingleLittleEndian(buffer.GetSpan(sizeof(float)), value);
        buffer.Advance(sizeof(float));
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, int field, string value) =>
        WriteBytes(buffer, field, Encoding.UTF8.GetBytes(value));

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, int field, ReadOnlySpan<byte> value)
    {
        WriteTag(buffer, field, WireLengthDelimited);
        WriteVarint(buffer, (ulong)value.Length);
        buffer.Write(value);
    }

    private static void WriteTag(ArrayBufferWriter<byte> buffer, int field, int wireType) =>
        WriteVarint(buffer, ((uint)field << 3) | (uint)wireType);

    private static void WriteVarint(ArrayBufferWriter<byte> buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        var length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        buffer.Advance(length);
    }
}
