namespace Connectomics.Storage.Parquet;

/// <summary>Defaults shared by the Parquet source and writer options.</summary>
internal static class ParquetSequenceDefaults
{
    public const string IdColumn = "id";
    public const string SequenceColumn = "sequence";
    public const int BatchSize = 4096;
    public const int RowGroupSize = 65536;
    public const string FileExtension = ".parquet";
}
