using System.Text;

namespace Connectomics.Lance.Tests;

/// <summary>Writes NumPy <c>.npy</c> files (format 1.0) byte by byte, as the format description lays them out.</summary>
internal static class Npy
{
    /// <summary>Builds a file: magic, version 1.0, a header padded with spaces to a multiple of 64 bytes ending in a newline, then the data.</summary>
    public static byte[] Build(string descr, string shape, byte[] data)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return [.. bytes];
    }

    public static byte[] Float32(float[] values) => Build("<f4", $"({values.Length},)", [.. values.SelectMany(BitConverter.GetBytes)]);

    public static byte[] Float64(double[] values) => Build("<f8", $"({values.Length},)", [.. values.SelectMany(BitConverter.GetBytes)]);
}
