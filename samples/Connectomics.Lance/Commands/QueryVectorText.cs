using System.CommandLine.Parsing;
using System.Globalization;

namespace Connectomics.Lance.Commands;

/// <summary>Parses a query vector written as comma-separated numbers (<c>0.5,-1,2e-3</c>).</summary>
internal static class QueryVectorText
{
    public static float[]? Parse(ArgumentResult result)
    {
        if (result.Tokens is not [var token])
        {
            result.AddError("--vector takes one value: comma-separated numbers such as \"0.5,-1,2e-3\".");
            return null;
        }

        var parts = token.Value.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"--vector: item {i + 1} ('{parts[i]}') is not a finite number; write the vector as comma-separated numbers such as \"0.5,-1,2e-3\"."));
                return null;
            }
        }

        return values;
    }
}
