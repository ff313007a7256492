namespace Connectomics.Storage.Fasta;

/// <summary>How a pipeline reads FASTA or FASTQ files, set fluently in <c>EmbeddingPipeline.FromFasta</c> and <c>FromFastq</c>.</summary>
public sealed class SequenceFileSettings
{
    private readonly SequenceFileChunkSourceOptions _options;

    internal SequenceFileSettings(SequenceFileChunkSourceOptions options) => _options = options;

    /// <summary>Keeps sequences in the case they are written in, instead of upper-casing them (<see cref="SequenceFileChunkSourceOptions.UpperCase"/>).</summary>
    /// <returns>These settings.</returns>
    public SequenceFileSettings KeepCase()
    {
        _options.UpperCase = false;
        return this;
    }
}
