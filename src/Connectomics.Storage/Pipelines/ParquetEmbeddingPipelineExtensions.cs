using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Pipelines;

/// <summary>Starts embedding pipelines over Parquet files: <c>EmbeddingPipeline.FromParquet(...)</c>.</summary>
public static class ParquetEmbeddingPipelineExtensions
{
    extension(EmbeddingPipeline)
    {
        /// <summary>Starts a pipeline over Parquet files, one work unit per row group (<see cref="ParquetChunkSource"/>).</summary>
        /// <param name="input">A file, a directory (its <c>*.parquet</c> files, recursively) or a glob.</param>
        /// <param name="columns">Selects the id, sequence and kept columns and the case handling; the defaults
        /// (<c>id</c>, <c>sequence</c>, nothing kept, upper-cased) when null.</param>
        /// <returns>The builder.</returns>
        /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The selection is invalid.</exception>
        public static EmbeddingPipelineBuilder<SequenceRecord> FromParquet(string input, Action<ParquetColumnSelection>? columns = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(input);
            return Start([input], columns);
        }

        /// <summary>Starts a pipeline over Parquet files, one work unit per row group (<see cref="ParquetChunkSource"/>).</summary>
        /// <param name="inputs">Files, directories (their <c>*.parquet</c> files, recursively) and globs.</param>
        /// <param name="columns">Selects the id, sequence and kept columns and the case handling; the defaults
        /// (<c>id</c>, <c>sequence</c>, nothing kept, upper-cased) when null.</param>
        /// <returns>The builder.</returns>
        /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The selection is invalid.</exception>
        public static EmbeddingPipelineBuilder<SequenceRecord> FromParquet(IEnumerable<string> inputs, Action<ParquetColumnSelection>? columns = null)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            return Start(inputs, columns);
        }

        /// <summary>Starts a pipeline over Parquet files described by options.</summary>
        /// <param name="options">What to read; copied.</param>
        /// <returns>The builder.</returns>
        /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
        public static EmbeddingPipelineBuilder<SequenceRecord> FromParquet(ParquetChunkSourceOptions options) =>
            EmbeddingPipeline.From(new ParquetChunkSource(options));
    }

    private static EmbeddingPipelineBuilder<SequenceRecord> Start(IEnumerable<string> inputs, Action<ParquetColumnSelection>? columns)
    {
        var options = new ParquetChunkSourceOptions { Inputs = [.. inputs] };
        columns?.Invoke(new ParquetColumnSelection(options));
        return EmbeddingPipeline.From(new ParquetChunkSource(options));
    }
}
