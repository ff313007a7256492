namespace Connectomics.Storage.Fasta;

/// <summary>Defaults of the sequence-file source.</summary>
internal static class SequenceFileDefaults
{
    /// <summary>The name endings of the FASTA files a directory input contributes.</summary>
    public static readonly string[] FastaExtensions = WithGzip(".fa", ".fasta", ".fna", ".ffn", ".faa", ".frn", ".fas");

    /// <summary>The name endings of the FASTQ files a directory input contributes.</summary>
    public static readonly string[] FastqExtensions = WithGzip(".fq", ".fastq");

    /// <summary>The record column that holds the header text after the id.</summary>
    public const string DescriptionColumn = FastaReader.DescriptionKey;

    /// <summary>The column named in rejections about the id (the header's first word).</summary>
    public const string IdColumn = "id";

    /// <summary>The column named in rejections about the sequence.</summary>
    public const string SequenceColumn = "sequence";

    private static string[] WithGzip(params string[] extensions) => [.. extensions, .. extensions.Select(e => e + ".gz")];
}
