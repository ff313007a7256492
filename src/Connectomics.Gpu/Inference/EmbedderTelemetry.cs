using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Connectomics.Devices;

namespace Connectomics.Gpu.Inference;

/// <summary>The metrics of the embedding engine, on the <c>Connectomics.Gpu</c> meter.</summary>
internal sealed class EmbedderTelemetry
{
    /// <summary>The meter name, shared by every instrument of this package.</summary>
    public const string MeterName = "Connectomics.Gpu";

    private static readonly Meter SharedMeter = new(MeterName, typeof(EmbedderTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    private readonly Histogram<double> _batchDuration;
    private readonly Counter<long> _sequences;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _paddedTokens;
    private readonly string _model;

    public EmbedderTelemetry(string model, IMeterFactory? meterFactory)
    {
        _model = model;
        var meter = meterFactory?.Create(new MeterOptions(MeterName) { Version = SharedMeter.Version }) ?? SharedMeter;
        _batchDuration = meter.CreateHistogram<double>("connectomics.embed.batch.duration", "s", "Time to encode and pool one device batch.");
        _sequences = meter.CreateCounter<long>("connectomics.embed.sequences", "{sequence}", "Token windows encoded.");
        _tokens = meter.CreateCounter<long>("connectomics.embed.tokens", "{token}", "Real tokens encoded (special tokens included).");
        _paddedTokens = meter.CreateCounter<long>("connectomics.embed.tokens.padding", "{token}", "Padding slots computed alongside real tokens.");
    }

    public void RecordBatch(ComputeDevice device, IReadOnlyList<int[]> windows, TimeSpan elapsed)
    {
        var tags = new TagList { { "device", device.ToString() }, { "model", _model } };
        long real = 0;
        var longest = 0;
        foreach (var window in windows)
        {
            real += window.Length;
            longest = Math.Max(longest, window.Length);
        }

        _batchDuration.Record(elapsed.TotalSeconds, tags);
        _sequences.Add(windows.Count, tags);
        _tokens.Add(real, tags);
        _paddedTokens.Add(((long)longest * windows.Count) - real, tags);
    }
}
