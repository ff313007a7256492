using System.Buffers.Binary;
using System.Numerics;

namespace Connectomics.Lora.Logging;

/// <summary>The CRC-32C checksum (Castagnoli polynomial, reflected 0x82F63B78, initial value and final XOR
/// 0xFFFFFFFF) that TFRecord files use; <see cref="BitOperations.Crc32C(uint, ulong)"/> supplies the per-word step
/// (SSE4.2 or ARM CRC instructions where the processor has them, a table otherwise).</summary>
internal static class Crc32C
{
    private const uint MaskDelta = 0xa282ead8;

    /// <summary>Computes the checksum of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The CRC-32C; 0xE3069283 for the ASCII text <c>123456789</c>.</returns>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    /// <summary>Computes the masked checksum that TFRecord framing stores: the CRC rotated right by 15 bits plus
    /// 0xa282ead8 (so that a checksum of data that holds checksums stays well distributed).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The masked CRC-32C.</returns>
    public static uint ComputeMasked(ReadOnlySpan<byte> data)
    {
        var crc = Compute(data);
        return unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);
    }
}
