using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF), the checksum of Zarr
/// v3's <c>crc32c</c> codec. Uses the SSE 4.2 or ARMv8 CRC32 instructions where the processor has them, a slicing-by-8
/// table otherwise.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes to checksum.</param>
    /// <returns>The checksum (e.g. 0xE3069283 for the ASCII bytes <c>123456789</c>).</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    /// <summary>Continues a running, not yet inverted CRC-32C state over more bytes.</summary>
    internal static uint Update(uint state, ReadOnlySpan<byte> data)
    {
        if (X86Sse42.X64.IsSupported)
        {
            return UpdateSse42X64(state, data);
        }

        if (ArmCrc32.Arm64.IsSupported)
        {
            return UpdateArm64(state, data);
        }

        return UpdateTable(state, data);
    }

    /// <summary>The portable slicing-by-8 path, kept reachable for tests on machines with the instructions.</summary>
    internal static uint UpdateTable(uint state, ReadOnlySpan<byte> data)
    {
        var table = Table.AsSpan();
        var crc = state;
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = table[(7 * 256) + (int)(low & 0xFF)]
                ^ table[(6 * 256) + (int)((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + (int)((low >> 16) & 0xFF)]
                ^ table[(4 * 256) + (int)(low >> 24)]
                ^ table[(3 * 256) + (int)(high & 0xFF)]
                ^ table[(2 * 256) + (int)((high >> 8) & 0xFF)]
                ^ table[256 + (int)((high >> 16) & 0xFF)]
                ^ table[(int)(high >> 24)];
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = table[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint UpdateSse42X64(uint state, ReadOnlySpan<byte> data)
    {
        ulong crc = state;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = X86Sse42.X64.Crc32(crc, word);
        }

        var crc32 = (uint)crc;
        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc32 = X86Sse42.Crc32(crc32, b);
        }

        return crc32;
    }

    private static uint UpdateArm64(uint state, ReadOnlySpan<byte> data)
    {
        var crc = state;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            crc = ArmCrc32.Arm64.ComputeCrc32C(crc, word);
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            crc = ArmCrc32.ComputeCrc32C(crc, b);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (uint)i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }

            table[i] = crc;
        }

        for (var i = 0; i < 256; i++)
        {
            for (var slice = 1; slice < 8; slice++)
            {
                var previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[(int)(previous & 0xFF)];
            }
        }

        return table;
    }
}
