using System.Globalization;

namespace Connectomics.Benchmarks;

/// <summary>
/// One process against several shards of one run: per round, one child process embeds the whole input into a new
/// table, then N children (<c>--shard i/N</c>) run at once into one new table. Prints rows/s of each: the one child's
/// rows over its run's seconds, the shards' rows together over the longest shard's seconds (model loading and process
/// start are outside both). Usage: <c>pipeline-side-by-side shards [--shards 3] [settings]</c>.
/// </summary>
internal static class PipelineShards
{
    public static async Task<int> Run(PipelineBenchSettings settings, IReadOnlyList<string> rest)
    {
        if (rest.Count > 0 && rest[0] == "--child")
        {
            return await PipelineChild.Run(settings, rest);
        }

        var count = rest is ["--shards", var text] ? int.Parse(text, CultureInfo.InvariantCulture)
            : rest.Count == 0 ? 3 : throw new ArgumentException($"Unknown argument(s) '{string.Join(' ', rest)}'.");
        var input = await settings.EnsureInputAsync(settings.Reads);
        Console.WriteLine($"# {MachineLoad.Processor()}; load average before: {MachineLoad.Averages()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# {settings.Reads} reads in row groups of {settings.RowGroupSize}; {count} shards"));
        Console.WriteLine("round\tprocesses\trows\tseconds\trows_per_s\tpeak_rss_mib_each\tload_1m");
        var single = new List<double>();
        var sharded = new List<double>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var one = PipelineChild.Start("shards", settings, input, Fresh(settings, "shards-one"), "0/1");
            Check(one.Rows, settings.Reads);
            single.Add(one.Rows / one.Seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{round}\t1\t{one.Rows}\t{one.Seconds:F1}\t{single[^1]:F1}\t{one.PeakMiB:F0}\t{MachineLoad.OneMinute():F2}"));

            var database = Fresh(settings, "shards-many");
            var shards = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
                Task.Run(() => PipelineChild.Start("shards", settings, input, database, string.Create(CultureInfo.InvariantCulture, $"{i}/{count}")))));
            var rows = shards.Sum(s => s.Rows);
            Check(rows, settings.Reads);
            var seconds = shards.Max(s => s.Seconds);
            sharded.Add(rows / seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{round}\t{count}\t{rows}\t{seconds:F1}\t{sharded[^1]:F1}\t{string.Join('/', shards.Select(s => s.PeakMiB.ToString("F0", CultureInfo.InvariantCulture)))}\t{MachineLoad.OneMinute():F2}"));
        }

        var a = MachineLoad.Median(single);
        var b = MachineLoad.Median(sharded);
        Console.WriteLine($"# load average after: {MachineLoad.Averages()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# median rows/s: 1 process {a:F1}, {count} shards {b:F1}: ratio {b / a:F3}"));
        Directory.Delete(Path.Combine(settings.Directory, "shards-one"), recursive: true);
        Directory.Delete(Path.Combine(settings.Directory, "shards-many"), recursive: true);
        return 0;
    }

    private static string Fresh(PipelineBenchSettings settings, string name)
    {
        var database = Path.Combine(settings.Directory, name);
        if (Directory.Exists(database))
        {
            Directory.Delete(database, recursive: true);
        }

        return database;
    }

    private static void Check(long rows, long expected)
    {
        if (rows != expected)
        {
            throw new InvalidOperationException($"{rows} rows committed, expected {expected}.");
        }
    }
}
