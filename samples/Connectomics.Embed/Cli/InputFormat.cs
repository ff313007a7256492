namespace Connectomics.Embed.Cli;

/// <summary>The format of the reads given with <c>--input</c>.</summary>
internal enum InputFormat
{
    /// <summary>Told from the first file's bytes (gzip is looked through).</summary>
    Auto,

    /// <summary>Parquet files with id and sequence columns.</summary>
    Parquet,

    /// <summary>FASTA, plain or gzip.</summary>
    Fasta,

    /// <summary>FASTQ, plain or gzip.</summary>
    Fastq,
}
