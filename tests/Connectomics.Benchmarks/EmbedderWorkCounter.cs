using System.Diagnostics.Metrics;
using System.Globalization;
using Connectomics.Gpu.Inference;

namespace Connectomics.Benchmarks;

/// <summary>
/// Counts what the embedder computed, from its own instruments (<c>connectomics.embed.*</c>): device batches, real
/// tokens and padding slots. <see cref="Take"/> returns the counts since the last call, so each side of a comparison
/// gets its own.
/// </summary>
internal sealed class EmbedderWorkCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _batches;
    private long _tokens;
    private long _padding;

    public EmbedderWorkCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EmbedderTelemetry.MeterName
                && instrument.Name is "connectomics.embed.batch.duration" or "connectomics.embed.tokens" or "connectomics.embed.tokens.padding")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "connectomics.embed.tokens")
            {
                Interlocked.Add(ref _tokens, value);
            }
            else
            {
                Interlocked.Add(ref _padding, value);
            }
        });
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _batches));
        _listener.Start();
    }

    /// <summary>Returns the counts since the last call and starts again from zero.</summary>
    public (long Batches, long Tokens, long Padding) Take() =>
        (Interlocked.Exchange(ref _batches, 0), Interlocked.Exchange(ref _tokens, 0), Interlocked.Exchange(ref _padding, 0));

    /// <summary>Formats counts as <c>batches, padding share</c>.</summary>
    public static string Describe((long Batches, long Tokens, long Padding) work) => string.Create(CultureInfo.InvariantCulture,
        $"{work.Batches} batches, padding {100.0 * work.Padding / Math.Max(1, work.Tokens + work.Padding):F1}%");

    public void Dispose() => _listener.Dispose();
}
