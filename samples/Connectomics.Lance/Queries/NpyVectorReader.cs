using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Connectomics.Lance.Commands;

namespace Connectomics.Lance.Queries;

/// <summary>
/// Reads one vector from a NumPy <c>.npy</c> file: format version 1, 2 or 3, a little-endian float32 (<c>&lt;f4</c>) or
/// float64 (<c>&lt;f8</c>) array of one dimension, in C or Fortran order (the same for one dimension), with exactly
/// as many data bytes as its shape says. Anything else is refused with what was found.
/// </summary>
internal static partial class NpyVectorReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static float[] Read(string path, byte[] bytes)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Bad(path, "it does not start with the .npy magic bytes '\\x93NUMPY'");
        }

        var major = bytes[6];
        int headerLength;
        int headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
                headerStart = 10;
                break;
            case 2 or 3 when bytes.Length >= 12:
                var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
                headerLength = length > int.MaxValue ? int.MaxValue : (int)length;
                headerStart = 12;
                break;
            default:
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"format version {major}.{bytes[7]} is not one of 1.0, 2.0 and 3.0"));
        }

        if (headerLength > bytes.Length - headerStart)
        {
            throw Bad(path, "the header runs past the end of the file (truncated)");
        }

        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, headerStart, headerLength).Trim();
        var match = Header().Match(header);
        if (!match.Success)
        {
            throw Bad(path, $"the header {header} is not a dictionary of 'descr', 'fortran_order' and 'shape'");
        }

        var descr = match.Groups["descr"].Value;
        var size = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw Bad(path, $"the values are '{descr}'; only little-endian float32 ('<f4') and float64 ('<f8') are read"),
        };
        var dimensions = match.Groups["shape"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (dimensions.Length != 1 || !int.TryParse(dimensions[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw Bad(path, $"the array has shape ({match.Groups["shape"].Value}); a query vector is one-dimensional, shape (D,)");
        }

        var data = bytes.AsSpan(headerStart + headerLength);
        if ((long)count * size != data.Length)
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                $"its shape says {count} values ({(long)count * size} bytes) but {data.Length} bytes of data follow the header"));
        }

        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var value = size == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..])
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]);
            if (!float.IsFinite(value))
            {
                throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"value {i + 1} is {value} as float32, not a finite number"));
            }

            values[i] = value;
        }

        return values;
    }

    private static CommandInputException Bad(string path, string problem) =>
        new($"--vector-file '{path}' is not a vector NumPy file this tool reads: {problem}.");

    // {'descr': '<f4', 'fortran_order': False, 'shape': (8,), } with the keys in any order, as numpy writes them sorted.
    [GeneratedRegex(@"^\{\s*(?=.*'descr'\s*:\s*'(?<descr>[^']*)')(?=.*'fortran_order'\s*:\s*(?:True|False))(?=.*'shape'\s*:\s*\((?<shape>[^)]*)\)).*\}$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Header();
}
