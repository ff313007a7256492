using System.Globalization;
using Connectomics.Pipelines;

namespace Connectomics.Benchmarks;

/// <summary>Collects the pipeline's queue depths from its progress reports (about one a second) and averages them.</summary>
internal sealed class QueueDepthSampler : IProgress<PipelineProgress>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Sum, int Full, int Samples)> _depths = new(StringComparer.Ordinal);
    private readonly int _capacity;

    /// <param name="capacity">The queues' capacity: a sample at it counts as full.</param>
    public QueueDepthSampler(int capacity) => _capacity = capacity;

    public void Report(PipelineProgress value)
    {
        lock (_lock)
        {
            foreach (var (queue, depth) in value.QueueDepths)
            {
                var (sum, full, samples) = _depths.GetValueOrDefault(queue);
                _depths[queue] = (sum + depth, full + (depth >= _capacity ? 1 : 0), samples + 1);
            }
        }
    }

    /// <summary>Mean depth and the share of samples at capacity, per queue: <c>read 0.2 (0%), prepare 3.9 (90%) ...</c>.</summary>
    public string Summary()
    {
        lock (_lock)
        {
            return _depths.Count == 0
                ? "no samples"
                : string.Join(", ", _depths.Select(d => string.Create(CultureInfo.InvariantCulture,
                    $"{d.Key} {(double)d.Value.Sum / d.Value.Samples:F1} ({100.0 * d.Value.Full / d.Value.Samples:F0}% full)")));
        }
    }
}
