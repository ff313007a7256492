using System.Globalization;
using Connectomics.Lance.Commands;

namespace Connectomics.Lance.Queries;

/// <summary>
/// Reads a query vector from a file: a NumPy <c>.npy</c> array (see <see cref="NpyVectorReader"/>), or text with
/// numbers separated by commas, whitespace or newlines.
/// </summary>
internal static class QueryVectorFile
{
    public static float[] Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CommandInputException($"--vector-file '{path}' does not exist.", e);
        }

        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            return NpyVectorReader.Read(path, bytes);
        }

        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var parts = text.Split([',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new CommandInputException($"--vector-file '{path}' holds no numbers.");
        }

        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new CommandInputException(string.Create(CultureInfo.InvariantCulture,
                    $"--vector-file '{path}': item {i + 1} ('{parts[i]}') is not a finite number; write numbers separated by commas, spaces or newlines."));
            }
        }

        return values;
    }
}
