namespace Connectomics.FineTune.Inputs;

/// <summary>The format of the reads given with <c>--input</c>.</summary>
internal enum InputFormat
{
    /// <summary>Told from the first file's bytes (gzip is looked through).</summary>
    Auto,

    /// <summary>Parquet files with id, sequence and taxonomy columns.</summary>
    Parquet,

    /// <summary>FASTA, plain or gzip; the header's description is the taxonomy.</summary>
    Fasta,

    /// <summary>FASTQ, plain or gzip; the header's description is the taxonomy.</summary>
    Fastq,
}
