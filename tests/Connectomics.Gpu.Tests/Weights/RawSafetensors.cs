using System.Buffers.Binary;
using System.Text;

namespace Connectomics.Gpu.Tests.Weights;

/// <summary>Builds safetensors bytes by hand, independently of the library's writer.</summary>
internal static class RawSafetensors
{
    /// <summary>8-byte little-endian header length, the header text as UTF-8, then the data.</summary>
    public static byte[] Build(string header, params byte[][] data) => Build(Encoding.UTF8.GetBytes(header), data);

    public static byte[] Build(byte[] header, params byte[][] data) => BuildWithDeclaredLength((ulong)header.Length, header, data);

    /// <summary>Like <see cref="Build(byte[], byte[][])"/> but with any declared header length, for broken files.</summary>
    public static byte[] BuildWithDeclaredLength(ulong declaredLength, byte[] header, params byte[][] data)
    {
        var bytes = new List<byte>();
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, declaredLength);
        bytes.AddRange(prefix);
        bytes.AddRange(header);
        foreach (var chunk in data)
        {
            bytes.AddRange(chunk);
        }

        return bytes.ToArray();
    }

    public static byte[] Float32(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] Float64(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    public static byte[] Float16(params float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
        }

        return bytes;
    }

    /// <summary>bfloat16 by truncation: the upper 16 bits of each float32 (exact for values that fit in 8 mantissa bits).</summary>
    public static byte[] BFloat16(params float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(values[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)(bits >> 16));
        }

        return bytes;
    }

    public static byte[] Int32(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] Int64(params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }
}
