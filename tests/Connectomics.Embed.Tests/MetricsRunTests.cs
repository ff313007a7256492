using System.Diagnostics;

namespace Connectomics.Embed.Tests;

/// <summary><c>--metrics-port</c>: the running tool serves its pipeline's metrics to Prometheus.</summary>
public sealed class MetricsRunTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-metrics-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_running_job_serves_its_rows_and_durations_in_an_exposition_promtool_accepts()
    {
        Promtool.Path();
        ReadsParquet.Write(Path.Combine(_work, "reads.parquet"), 6000);
        // A port found free can be taken by another process before the tool binds it; the tool then refuses to start
        // (as it should), and the run is repeated on another port.
        for (var attempt = 1; ; attempt++)
        {
            if (await RunOnceAsync(PrometheusMetricsEndpointTests.FreePort(), lastAttempt: attempt == 3))
            {
                return;
            }

            var output = Path.Combine(_work, "out");
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private async Task<bool> RunOnceAsync(int port, bool lastAttempt)
    {
        using var process = EmbedTool.Start(_work, "--input", "reads.parquet", "--db", "out", "--table", "reads", "--checkpoint-rows", "100", "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var client = new HttpClient();
        string? exposition = null;
        var waited = Stopwatch.StartNew();
        while (!process.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                var scrape = await client.GetStringAsync(new Uri($"http://localhost:{port}/metrics"));
                if (scrape.Contains("connectomics_pipeline_rows_total", StringComparison.Ordinal))
                {
                    exposition = scrape;
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        await process.WaitForExitAsync();
        if (exposition is null && !lastAttempt && (await stderr).Contains("could not be started", StringComparison.Ordinal))
        {
            return false;
        }

        Assert.True(exposition is not null, "no scrape while it ran had connectomics_pipeline_rows_total:\n" + await stderr);
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains($"metrics: http://localhost:{port}/metrics", await stderr, StringComparison.Ordinal);

        var samples = PrometheusMetricsEndpointTests.Samples(exposition);
        var rows = samples.Where(s => s.Name == "connectomics_pipeline_rows_total").Sum(s => s.Value);
        Assert.True(rows >= 1 && rows < 6000, $"{rows} rows");
        Assert.Contains(samples, s => s.Name == "connectomics_pipeline_encode_duration_seconds_count" && s.Value >= 1);
        Assert.Contains(samples, s => s.Name == "connectomics_pipeline_commit_duration_seconds_count" && s.Value >= 1);
        Assert.DoesNotContain("_milliseconds", exposition, StringComparison.Ordinal);
        await Promtool.AssertAcceptsAsync(exposition);
        _ = await stdout;
        return true;
    }
}
