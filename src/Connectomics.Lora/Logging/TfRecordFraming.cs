using System.Buffers.Binary;

namespace Connectomics.Lora.Logging;

/// <summary>Frames records the way TFRecord files (and so TensorBoard event files) store them: the data length as
/// a little-endian uint64, the masked CRC-32C of those 8 bytes, the data, the masked CRC-32C of the data.</summary>
internal static class TfRecordFraming
{
    /// <summary>The bytes a record adds around its data.</summary>
    public const int Overhead = sizeof(ulong) + sizeof(uint) + sizeof(uint);

    /// <summary>Writes one framed record.</summary>
    /// <param name="destination">The stream to append to.</param>
    /// <param name="data">The record's data.</param>
    public static void Write(Stream destination, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> header = stackalloc byte[sizeof(ulong) + sizeof(uint)];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[sizeof(ulong)..], Crc32C.ComputeMasked(header[..sizeof(ulong)]));
        Span<byte> footer = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.ComputeMasked(data));
        destination.Write(header);
        destination.Write(data);
        destination.Write(footer);
    }
}
