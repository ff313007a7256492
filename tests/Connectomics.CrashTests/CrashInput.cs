namespace Connectomics.CrashTests;

/// <summary>The input a crash run reads.</summary>
public enum CrashInput
{
    /// <summary>The Parquet file of several row groups.</summary>
    Parquet,

    /// <summary>The gzip FASTA file.</summary>
    Fasta,
}
