using Connectomics.Chunks;
using Connectomics.Sequences;

namespace Connectomics.Pipelines;

/// <summary>
/// Starts an embedding pipeline: records from a chunk source, through a model, into a vector store. Input formats add
/// their own entry points here (<c>EmbeddingPipeline.FromParquet</c>, <c>FromFasta</c>, <c>FromFastq</c> in
/// Connectomics.Storage).
/// </summary>
/// <example>
/// <code>
/// await EmbeddingPipeline
///     .FromParquet("reads/*.parquet", c => c.Id("sequence_id").Sequence("dna_sequence").Keep("taxonomy", "depth"))
///     .Embed(model, e => e.TokensPerBatch(32_768))
///     .ToLance("out/vectors", table: "sequences")
///     .CheckpointEvery(TimeSpan.FromMinutes(30), rows: 100_000)
///     .RunAsync(progress, cancellationToken);
/// </code>
/// </example>
public static class EmbeddingPipeline
{
    /// <summary>Starts a pipeline over sequence records.</summary>
    /// <param name="source">The source.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingPipelineBuilder<SequenceRecord> From(IChunkSource<SequenceRecord> source) =>
        new(source, SequenceRecordRows.Instance);

    /// <summary>Starts a pipeline over records of any kind.</summary>
    /// <typeparam name="TRecord">The record type.</typeparam>
    /// <param name="source">The source.</param>
    /// <param name="rows">How a record becomes a row.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingPipelineBuilder<TRecord> From<TRecord>(IChunkSource<TRecord> source, IRecordRows<TRecord> rows) =>
        new(source, rows);
}
