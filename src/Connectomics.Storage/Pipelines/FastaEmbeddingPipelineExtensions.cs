using Connectomics.Sequences;
using Connectomics.Storage.Fasta;

namespace Connectomics.Pipelines;

/// <summary>Starts embedding pipelines over FASTA and FASTQ files: <c>EmbeddingPipeline.FromFasta(...)</c>, <c>FromFastq(...)</c>.</summary>
public static class FastaEmbeddingPipelineExtensions
{
    extension(EmbeddingPipeline)
    {
        /// <summary>Starts a pipeline over FASTA files, plain or gzip, one work unit per file (<see cref="SequenceFileChunkSource"/>).</summary>
        /// <param name="input">A file, a directory (its FASTA files, recursively) or a glob.</param>
        /// <param name="configure">Sets the case handling; upper-cased when null.</param>
        /// <returns>The builder.</returns>
        public static EmbeddingPipelineBuilder<SequenceRecord> FromFasta(string input, Action<SequenceFileSettings>? configure = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(input);
            return Start([input], SequenceFileFormat.Fasta, configure);
        }

        /// <summary>Starts a pipeline over FASTA files, plain or gzip, one work unit per file (<see cref="SequenceFileChunkSource"/>).</summary>
        /// <param name="inputs">Files, directories (their FASTA files, recursively) and globs.</param>
        /// <param name="configure">Sets the case handling; upper-cased when null.</param>
        /// <returns>The builder.</returns>
        public static EmbeddingPipelineBuilder<SequenceRecord> FromFasta(IEnumerable<string> inputs, Action<SequenceFileSettings>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            return Start(inputs, SequenceFileFormat.Fasta, configure);
        }

        /// <summary>Starts a pipeline over FASTQ files, plain or gzip, one work unit per file (<see cref="SequenceFileChunkSource"/>).</summary>
        /// <param name="input">A file, a directory (its FASTQ files, recursively) or a glob.</param>
        /// <param name="configure">Sets the case handling; upper-cased when null.</param>
        /// <returns>The builder.</returns>
        public static EmbeddingPipelineBuilder<SequenceRecord> FromFastq(string input, Action<SequenceFileSettings>? configure = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(input);
            return Start([input], SequenceFileFormat.Fastq, configure);
        }

        /// <summary>Starts a pipeline over FASTQ files, plain or gzip, one work unit per file (<see cref="SequenceFileChunkSource"/>).</summary>
        /// <param name="inputs">Files, directories (their FASTQ files, recursively) and globs.</param>
        /// <param name="configure">Sets the case handling; upper-cased when null.</param>
        /// <returns>The builder.</returns>
        public static EmbeddingPipelineBuilder<SequenceRecord> FromFastq(IEnumerable<string> inputs, Action<SequenceFileSettings>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            return Start(inputs, SequenceFileFormat.Fastq, configure);
        }
    }

    private static EmbeddingPipelineBuilder<SequenceRecord> Start(IEnumerable<string> inputs, SequenceFileFormat format, Action<SequenceFileSettings>? configure)
    {
        var options = new SequenceFileChunkSourceOptions { Inputs = [.. inputs], Format = format };
        configure?.Invoke(new SequenceFileSettings(options));
        return EmbeddingPipeline.From(new SequenceFileChunkSource(options));
    }
}
