namespace Connectomics.Pipelines;

/// <summary>The format of an embedding job's reads.</summary>
public enum ReadFormat
{
    /// <summary>Parquet files with id and sequence columns (<see cref="Storage.Parquet.ParquetChunkSource"/>).</summary>
    Parquet,

    /// <summary>FASTA, plain or gzip (<see cref="Storage.Fasta.SequenceFileChunkSource"/>).</summary>
    Fasta,

    /// <summary>FASTQ, plain or gzip (<see cref="Storage.Fasta.SequenceFileChunkSource"/>).</summary>
    Fastq,
}
