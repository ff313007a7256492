using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Connectomics.Embed.Metrics;

namespace Connectomics.Embed.Tests;

/// <summary>
/// The sample's metrics endpoint, scraped over HTTP as Prometheus does, its exposition checked by Prometheus's own
/// <c>promtool check metrics</c> (installed with the Debian package prometheus; <c>.ci/run</c> installs it).
/// </summary>
public sealed class PrometheusMetricsEndpointTests
{
    [Fact]
    public async Task It_serves_the_library_meters_in_an_exposition_promtool_accepts()
    {
        Promtool.Path();
        using var endpoint = PrometheusMetricsEndpoint.Start(FreePort(), host: "localhost");

        using var pipelines = new Meter("Connectomics.Pipelines");
        using var gpu = new Meter("Connectomics.Gpu");
        using var storage = new Meter("Connectomics.Storage");
        using var other = new Meter("Connectomics.Tests.Unserved");
        var rows = pipelines.CreateCounter<long>("connectomics.pipeline.rows", "{row}", "Rows the pipeline wrote.");
        rows.Add(3, new KeyValuePair<string, object?>("shard", "0"));
        rows.Add(4, new KeyValuePair<string, object?>("shard", "0"));
        rows.Add(5, new KeyValuePair<string, object?>("shard", "1"));
        var batches = gpu.CreateHistogram<double>("connectomics.embed.batch.duration", "s", "Time to encode and pool one device batch.");
        batches.Record(0.25);
        batches.Record(0.5);
        batches.Record(2);
        var bytes = storage.CreateCounter<long>("connectomics.storage.bytes.written", "By", "Bytes written to tables.");
        bytes.Add(4096);
        other.CreateCounter<long>("connectomics.tests.unserved").Add(1);

        using var client = new HttpClient();
        using var response = await client.GetAsync(endpoint.Address);
        var exposition = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var samples = Samples(exposition);
        Assert.Equal(7, Sample(samples, "connectomics_pipeline_rows_total", "shard=\"0\""));
        Assert.Equal(5, Sample(samples, "connectomics_pipeline_rows_total", "shard=\"1\""));
        Assert.Equal(3, Sample(samples, "connectomics_embed_batch_duration_seconds_count"));
        Assert.Equal(2.75, Sample(samples, "connectomics_embed_batch_duration_seconds_sum"));
        Assert.Equal(0, Sample(samples, "connectomics_embed_batch_duration_seconds_bucket", "le=\"0.1\""));
        Assert.Equal(1, Sample(samples, "connectomics_embed_batch_duration_seconds_bucket", "le=\"0.25\""));
        Assert.Equal(2, Sample(samples, "connectomics_embed_batch_duration_seconds_bucket", "le=\"0.5\""));
        Assert.Equal(2, Sample(samples, "connectomics_embed_batch_duration_seconds_bucket", "le=\"1\""));
        Assert.Equal(3, Sample(samples, "connectomics_embed_batch_duration_seconds_bucket", "le=\"2.5\""));
        Assert.Equal(3, Sample(samples, "connectomics_embed_batch_duration_seconds_bucket", "le=\"+Inf\""));
        Assert.Equal(4096, Sample(samples, "connectomics_storage_bytes_written_bytes_total"));
        Assert.DoesNotContain(samples, s => s.Name.StartsWith("connectomics_tests_unserved", StringComparison.Ordinal));

        await Promtool.AssertAcceptsAsync(exposition);
    }

    [Fact]
    public async Task By_default_it_listens_on_every_interface_as_a_pod_must()
    {
        var port = FreePort();
        using var endpoint = PrometheusMetricsEndpoint.Start(port);
        using var storage = new Meter("Connectomics.Storage");
        storage.CreateCounter<long>("connectomics.lance.commits", "{commit}", "Lance table versions committed.").Add(2);

        using var client = new HttpClient();
        var exposition = await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));

        Assert.Equal(new Uri($"http://localhost:{port}/metrics"), endpoint.Address);
        Assert.Equal(2, Sample(Samples(exposition), "connectomics_lance_commits_total"));
    }

    [Fact]
    public void A_port_in_use_is_refused()
    {
        var port = FreePort();
        using var first = PrometheusMetricsEndpoint.Start(port, host: "localhost");

        Assert.Throws<InvalidOperationException>(() => PrometheusMetricsEndpoint.Start(port, host: "localhost"));
    }

    [Fact]
    public void A_port_out_of_range_is_refused_before_anything_listens()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PrometheusMetricsEndpoint.Start(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PrometheusMetricsEndpoint.Start(65536));
    }

    /// <summary>The exposition's samples: metric name, label text (inside the braces) and value.</summary>
    internal static List<(string Name, string Labels, double Value)> Samples(string exposition)
    {
        var samples = new List<(string, string, double)>();
        foreach (var line in exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            var open = line.IndexOf('{', StringComparison.Ordinal);
            var (name, labels, rest) = open >= 0 && close > open
                ? (line[..open], line[(open + 1)..close], line[(close + 1)..])
                : (line[..line.IndexOf(' ', StringComparison.Ordinal)], string.Empty, line[line.IndexOf(' ', StringComparison.Ordinal)..]);
            var value = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            samples.Add((name, labels, value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture)));
        }

        return samples;
    }

    internal static double Sample(List<(string Name, string Labels, double Value)> samples, string name, string? label = null)
    {
        var matches = samples.Where(s => s.Name == name && (label is null || s.Labels.Split(',').Contains(label))).ToArray();
        Assert.True(matches.Length == 1, $"{matches.Length} samples of {name}{(label is null ? string.Empty : $" with {label}")}");
        return matches[0].Value;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
