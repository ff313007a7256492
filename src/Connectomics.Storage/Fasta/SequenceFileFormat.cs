namespace Connectomics.Storage.Fasta;

/// <summary>The text format of sequence files read by a <see cref="SequenceFileChunkSource"/>.</summary>
public enum SequenceFileFormat
{
    /// <summary>FASTA: a <c>&gt;id description</c> header followed by sequence lines of any width.</summary>
    Fasta,

    /// <summary>FASTQ: four-line records (<c>@id description</c>, sequence, <c>+</c>, quality as long as the sequence).</summary>
    Fastq,
}
