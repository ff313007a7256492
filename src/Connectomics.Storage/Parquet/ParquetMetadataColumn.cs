namespace Connectomics.Storage.Parquet;

/// <summary>A metadata column written by a <see cref="ParquetSequenceWriter"/>: its name and type. Values are
/// taken from <see cref="Sequences.SequenceRecord.Metadata"/> under the same name; a missing key or a
/// <see langword="null"/> value is written as null.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The column type.</param>
public sealed record ParquetMetadataColumn(string Name, ParquetMetadataType Type);
