namespace Connectomics.Pipelines.Tests;

/// <summary>Keeps every progress snapshot, on the thread that reports it.</summary>
public sealed class SynchronousProgress(List<PipelineProgress> snapshots) : IProgress<PipelineProgress>
{
    public void Report(PipelineProgress value)
    {
        lock (snapshots)
        {
            snapshots.Add(value);
        }
    }
}
