namespace Connectomics.Pipelines;

/// <summary>
/// An embedding pipeline configured through dependency injection: each <see cref="RunAsync"/> builds the pipeline from
/// the registered options and runs (or resumes) its shard, so a worker that runs the job again after a restart
/// continues the run.
/// </summary>
public interface IEmbeddingJob
{
    /// <summary>Gets the job's registration name (empty for the unnamed registration).</summary>
    string Name { get; }

    /// <summary>Runs (or resumes) the job's shard to the end, or until cancelled.</summary>
    /// <param name="progress">Receives progress snapshots.</param>
    /// <param name="cancellationToken">Stops the run; what is done is committed first.</param>
    /// <returns>The run's summary.</returns>
    Task<PipelineResult> RunAsync(IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default);
}
