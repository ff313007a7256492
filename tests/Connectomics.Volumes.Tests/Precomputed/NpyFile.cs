using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Connectomics.Volumes.Tests.Precomputed;

/// <summary>A NumPy <c>.npy</c> file (format 1.x/2.x, C order) read as its description, shape and raw bytes.</summary>
internal sealed partial record NpyFile(string Descr, long[] Shape, byte[] Data)
{
    public static NpyFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 10 && bytes[0] == 0x93 && Encoding.ASCII.GetString(bytes, 1, 5) == "NUMPY", $"{path} is not a .npy file.");
        var major = bytes[6];
        var headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        var headerStart = major == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header).Groups[1].Value;
        Assert.Contains("'fortran_order': False", header, StringComparison.Ordinal);
        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse)
            .ToArray();
        return new NpyFile(descr, shape, bytes[(headerStart + headerLength)..]);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
