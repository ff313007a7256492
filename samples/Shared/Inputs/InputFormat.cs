namespace Connectomics.Samples.Inputs;

/// <summary>The formats of sequence input the sample programs read.</summary>
internal enum InputFormat
{
    /// <summary>Told from the first file's bytes.</summary>
    Auto,

    /// <summary>Parquet files with an id and a sequence column (and, for fine-tuning, a taxonomy column).</summary>
    Parquet,

    /// <summary>FASTA, plain or gzip (for fine-tuning, the header's description is the taxonomy).</summary>
    Fasta,

    /// <summary>FASTQ, plain or gzip (for fine-tuning, the header's description is the taxonomy).</summary>
    Fastq,
}
