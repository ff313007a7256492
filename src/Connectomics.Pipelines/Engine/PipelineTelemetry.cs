using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The instruments of the <c>Connectomics.Pipelines</c> meter, made once per meter (the shared one, or one from a
/// meter factory) and shared by the runs that use it; the queue-depth gauge reports every run that is going.
/// </summary>
internal sealed class PipelineTelemetry
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Connectomics.Pipelines";

    private static readonly Meter SharedMeter = new(MeterName, typeof(PipelineTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
    private static readonly ConditionalWeakTable<Meter, PipelineTelemetry> ByMeter = [];

    private readonly ConcurrentDictionary<object, Func<IEnumerable<Measurement<int>>>> _runs = new();

    private PipelineTelemetry(Meter meter)
    {
        RecordsRead = meter.CreateCounter<long>("connectomics.pipeline.records.read", "{record}", "Records read from the source, rejected ones included.");
        Rows = meter.CreateCounter<long>("connectomics.pipeline.rows", "{row}", "Rows committed to the store.");
        Batches = meter.CreateCounter<long>("connectomics.pipeline.batches", "{batch}", "Calls into the model.");
        Tokens = meter.CreateCounter<long>("connectomics.pipeline.tokens", "{token}", "Model units (tokens) encoded.");
        BadRecords = meter.CreateCounter<long>("connectomics.pipeline.records.bad", "{record}", "Records rejected, by reason.");
        Commits = meter.CreateCounter<long>("connectomics.pipeline.commits", "{commit}", "Commits to the store.");
        EncodeDuration = meter.CreateHistogram<double>("connectomics.pipeline.encode.duration", "s", "Time of one call into the model.");
        CommitDuration = meter.CreateHistogram<double>("connectomics.pipeline.commit.duration", "s", "Time of one commit to the store.");
        meter.CreateObservableGauge("connectomics.pipeline.queue.depth", () => _runs.Values.SelectMany(run => run()), "{chunk}", "Chunks waiting in each stage's queue.");
    }

    public Counter<long> RecordsRead { get; }

    public Counter<long> Rows { get; }

    public Counter<long> Batches { get; }

    public Counter<long> Tokens { get; }

    public Counter<long> BadRecords { get; }

    public Counter<long> Commits { get; }

    public Histogram<double> EncodeDuration { get; }

    public Histogram<double> CommitDuration { get; }

    /// <summary>Gets the instruments of the meter from <paramref name="meterFactory"/>, or of the shared meter.</summary>
    public static PipelineTelemetry For(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions(MeterName) { Version = SharedMeter.Version }) ?? SharedMeter;
        return ByMeter.GetValue(meter, m => new PipelineTelemetry(m));
    }

    /// <summary>Makes the tags of a run.</summary>
    public static TagList Tags(string runId, string shard) => new() { { "run", runId }, { "shard", shard } };

    /// <summary>Reports a run's queue depths through the gauge until the returned handle is disposed.</summary>
    public IDisposable Observe(Func<IEnumerable<Measurement<int>>> depths)
    {
        var key = new object();
        _runs[key] = depths;
        return new Registration(() => _runs.TryRemove(key, out _));
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
