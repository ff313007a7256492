using System.Globalization;

namespace Connectomics.VolumesTool.Cli;

/// <summary>Shapes as people type them: <c>64,64,64</c>, or <c>64</c> for a cube.</summary>
internal static class ShapeText
{
    public static int[] Parse(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1)
            {
                throw new FormatException($"{option} '{text}' is not a shape: give positive whole numbers Z,Y,X (or one for a cube).");
            }
        }

        return values.Length == 1 ? [values[0], values[0], values[0]] : values;
    }

    public static string Format<T>(IEnumerable<T> values) => "[" + string.Join(", ", values.Select(v => string.Format(CultureInfo.InvariantCulture, "{0}", v))) + "]";
}
