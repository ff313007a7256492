namespace Connectomics.Stores;

/// <summary>A column that records carry besides their id and vector (a kept Parquet column, a FASTA description).</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Type">The column's type.</param>
/// <param name="Nullable">Whether the column may hold nulls.</param>
public sealed record RecordColumn(string Name, RecordColumnType Type, bool Nullable = true);
