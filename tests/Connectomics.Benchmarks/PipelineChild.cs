using System.Diagnostics;
using System.Globalization;
using Connectomics.Chunks;

namespace Connectomics.Benchmarks;

/// <summary>
/// One pipeline run in a child process of its own, for the measurements that need a fresh process (peak memory) or
/// several at once (shards): <c>pipeline-side-by-side rss|shards --child &lt;input&gt; &lt;database&gt; &lt;shard i/N&gt; [settings]</c>
/// prints rows committed, the run's seconds and the peak resident set (VmHWM, MiB) on one line.
/// </summary>
internal static class PipelineChild
{
    public static async Task<int> Run(PipelineBenchSettings settings, IReadOnlyList<string> rest)
    {
        if (rest is not ["--child", var input, var database, var shard])
        {
            throw new ArgumentException($"Expected --child <input> <database> <shard>, not '{string.Join(' ', rest)}'.");
        }

        using var embedder = settings.BuildEmbedder();
        var started = Stopwatch.GetTimestamp();
        var result = await settings.BuildPipeline(embedder, input, database, ShardAssignment.Parse(shard)).RunAsync();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.RowsCommitted}\t{seconds:R}\t{ProcessStats.StatusMiB("VmHWM"):F1}"));
        return 0;
    }

    /// <summary>Starts a child and returns its rows, seconds and peak RSS.</summary>
    public static (long Rows, double Seconds, double PeakMiB) Start(string mode, PipelineBenchSettings settings, string input, string database, string shard)
    {
        var fields = ProcessStats.RunSelf(["pipeline-side-by-side", mode, "--child", input, database, shard, .. settings.ToArguments()]).Split('\t');
        return (long.Parse(fields[0], CultureInfo.InvariantCulture), double.Parse(fields[1], CultureInfo.InvariantCulture), double.Parse(fields[2], CultureInfo.InvariantCulture));
    }
}
