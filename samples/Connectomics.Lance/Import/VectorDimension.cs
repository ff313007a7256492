using System.Globalization;

namespace Connectomics.Lance.Import;

/// <summary>The number of values every vector must have, and where that number came from (for error messages).</summary>
internal sealed record VectorDimension(int Value, string Origin)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value} ({Origin})");
}
