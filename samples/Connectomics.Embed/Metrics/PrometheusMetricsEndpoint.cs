using System.Diagnostics.Metrics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Connectomics.Embed.Metrics;

/// <summary>
/// Serves the library's metrics (the <c>Connectomics.Pipelines</c>, <c>Connectomics.Gpu</c> and
/// <c>Connectomics.Storage</c> meters) for Prometheus to scrape, at <c>http://&lt;host&gt;:&lt;port&gt;/metrics</c>, through
/// OpenTelemetry's Prometheus exporter on an <see cref="System.Net.HttpListener"/>.
/// </summary>
/// <remarks>
/// Durations are in seconds, as Prometheus names them (<c>_seconds</c>), with buckets from 1 ms to 5 minutes.
/// Instruments report from the moment the endpoint starts; the library's meters are process-wide when no
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> is given, so nothing else needs wiring. Dispose to stop
/// listening.
/// </remarks>
internal sealed class PrometheusMetricsEndpoint : IDisposable
{
    /// <summary>The meters served: those of the pipeline engine, the embedder and the storage.</summary>
    public static readonly IReadOnlyList<string> MeterNames = ["Connectomics.Pipelines", "Connectomics.Gpu", "Connectomics.Storage"];

    /// <summary>Bucket bounds of duration histograms (unit <c>s</c>): 1 ms to 5 minutes, where a batch's encoding or a
    /// table commit falls (OpenTelemetry's defaults, 0 to 10000, suit milliseconds).</summary>
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly MeterProvider _provider;

    private PrometheusMetricsEndpoint(MeterProvider provider, Uri address)
    {
        _provider = provider;
        Address = address;
    }

    /// <summary>Gets the address Prometheus scrapes (with <c>localhost</c> standing for every interface).</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts listening on <paramref name="port"/>. <paramref name="host"/> is <c>*</c> (every interface, as a pod or a
    /// cluster node needs) by default, or a host name or address such as <c>localhost</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The port is not between 1 and 65535.</exception>
    /// <exception cref="InvalidOperationException">The port is taken, or listening on it is not allowed.</exception>
    public static PrometheusMetricsEndpoint Start(int port, string host = "*", string serviceName = "connectomics-embed")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);

        var provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName))
            .AddMeter([.. MeterNames])
            .AddView(instrument => instrument is Histogram<double> or Histogram<float> or Histogram<long> or Histogram<int> && instrument.Unit == "s"
                ? new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets }
                : null)
            .AddPrometheusHttpListener(o =>
            {
                o.Port = port;
                if (host is "*" or "+")
                {
                    // The exporter builds a URI from its host, which a wildcard is not: it starts on localhost, and the
                    // listener's prefix is then widened to every interface before it starts.
                    o.Host = "localhost";
                    o.ConfigureHttpListener = (_, listener) =>
                    {
                        listener.Prefixes.Clear();
                        listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}/"));
                    };
                }
                else
                {
                    o.Host = host;
                }
                o.ScrapeEndpointPath = "/metrics";
            })
            .Build();
        var shown = host is "*" or "+" ? "localhost" : host;
        return new PrometheusMetricsEndpoint(provider, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{shown}:{port}/metrics")));
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _provider.Dispose();
}
