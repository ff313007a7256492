namespace Connectomics.CrashTests;

/// <summary>One row of a table: its columns but the id and the vector as exact text, and the vector's float bit patterns.</summary>
internal sealed record TableRow(SortedDictionary<string, string> Values, int[] VectorBits);
