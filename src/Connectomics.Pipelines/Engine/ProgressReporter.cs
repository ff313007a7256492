namespace Connectomics.Pipelines.Engine;

/// <summary>
/// Sends <see cref="PipelineProgress"/> snapshots about once a second (on the run's clock) and whenever asked (at
/// each commit). The rate is measured over the last ten seconds of snapshots.
/// </summary>
internal sealed class ProgressReporter : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly IProgress<PipelineProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly RunCounters _counters;
    private readonly Func<IReadOnlyDictionary<string, int>> _queueDepths;
    private readonly string _runId;
    private readonly string _shard;
    private readonly long? _recordsTotal;
    private readonly long _started;
    private readonly Queue<(long Timestamp, long Done)> _samples = new();
    private readonly Lock _lock = new();
    private ITimer? _timer;

    public ProgressReporter(
        IProgress<PipelineProgress>? progress, TimeProvider time, RunCounters counters, Func<IReadOnlyDictionary<string, int>> queueDepths,
        string runId, string shard, long? recordsTotal)
    {
        _progress = progress;
        _time = time;
        _counters = counters;
        _queueDepths = queueDepths;
        _runId = runId;
        _shard = shard;
        _recordsTotal = recordsTotal;
        _started = time.GetTimestamp();
    }

    /// <summary>Gets the time since the run started in this process.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>Starts the once-a-second snapshots.</summary>
    public void Start()
    {
        if (_progress is not null)
        {
            _timer = _time.CreateTimer(_ => Report(), null, Period, Period);
        }
    }

    /// <summary>Sends a snapshot now.</summary>
    public void Report()
    {
        if (_progress is null)
        {
            return;
        }

        PipelineProgress snapshot;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var done = _counters.RecordsDone;
            _samples.Enqueue((now, done));
            while (_samples.Count > 1 && _time.GetElapsedTime(_samples.Peek().Timestamp, now) > RateWindow)
            {
                _samples.Dequeue();
            }

            var (oldestTime, oldestDone) = _samples.Peek();
            var span = _time.GetElapsedTime(oldestTime, now);
            var rate = span > TimeSpan.Zero ? (done - oldestDone) / span.TotalSeconds : 0;
            TimeSpan? remaining = _recordsTotal is { } total && rate > 0
                ? TimeSpan.FromSeconds(Math.Max(0, total - done) / rate)
                : null;
            snapshot = new PipelineProgress
            {
                RunId = _runId,
                Shard = _shard,
                RecordsDone = done,
                RecordsTotal = _recordsTotal,
                RowsCommitted = _counters.RowsCommitted,
                RecordsRejected = _counters.RecordsRejected,
                RecordsWithoutRows = _counters.RecordsWithoutRows,
                RecordsPerSecond = rate,
                Elapsed = _time.GetElapsedTime(_started, now),
                EstimatedRemaining = remaining,
                QueueDepths = _queueDepths(),
                StoreVersion = _counters.StoreVersion,
                UnknownShare = _counters.UnknownShare,
            };
        }

        _progress.Report(snapshot);
    }

    /// <inheritdoc/>
    public void Dispose() => _timer?.Dispose();
}
