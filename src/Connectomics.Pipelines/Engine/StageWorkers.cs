using System.Threading.Channels;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// Runs a stage's workers side by side, each under the run's failure guard, and completes the stage's output when the
/// last one ends (also when one fails), so the next stage sees the end of its input.
/// </summary>
internal static class StageWorkers
{
    public static async Task RunAsync<TItem>(StageFailure failure, int count, Func<Task> work, ChannelWriter<TItem> output)
    {
        try
        {
            var workers = Enumerable.Range(0, count)
                .Select(_ => Task.Run(() => failure.RunAsync(work)))
                .ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            output.TryComplete();
        }
    }
}
