namespace Connectomics.Pipelines;

/// <summary>Runs one shard of a built pipeline.</summary>
internal sealed class PipelineEngine<TRecord>
{
    private readonly EmbeddingPipeline<TRecord> _pipeline;

    public PipelineEngine(EmbeddingPipeline<TRecord> pipeline) => _pipeline = pipeline;

    public Task<PipelineResult> RunAsync(IProgress<PipelineProgress>? progress, CancellationToken cancellationToken) =>
        throw new NotImplementedException($"The engine of {_pipeline.Table} is written in the engine branch.");
}
