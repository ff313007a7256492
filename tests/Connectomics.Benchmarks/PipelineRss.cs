using System.Globalization;

namespace Connectomics.Benchmarks;

/// <summary>
/// Peak memory of the embedding job does not grow with its input: runs the pipeline over N and factor×N reads, each
/// in a fresh child process (alternating, for the rounds asked), and prints each child's peak resident set (VmHWM).
/// Usage: <c>pipeline-side-by-side rss [--factor 10] [settings]</c>; target: the larger input's highest peak within
/// 10% of the smaller one's.
/// </summary>
internal static class PipelineRss
{
    public static async Task<int> Run(PipelineBenchSettings settings, IReadOnlyList<string> rest)
    {
        if (rest.Count > 0 && rest[0] == "--child")
        {
            return await PipelineChild.Run(settings, rest);
        }

        var factor = rest is ["--factor", var text] ? int.Parse(text, CultureInfo.InvariantCulture)
            : rest.Count == 0 ? 10 : throw new ArgumentException($"Unknown argument(s) '{string.Join(' ', rest)}'.");
        long[] sizes = [settings.Reads, (long)settings.Reads * factor];
        var inputs = new string[sizes.Length];
        for (var s = 0; s < sizes.Length; s++)
        {
            inputs[s] = await settings.EnsureInputAsync(sizes[s]);
        }

        Console.WriteLine($"# {MachineLoad.Processor()}; load average before: {MachineLoad.Averages()}");
        Console.WriteLine("round\treads\tpeak_rss_mib\trows_per_s\tseconds\tload_1m");
        var peaks = sizes.Select(_ => new List<double>()).ToArray();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            for (var s = 0; s < sizes.Length; s++)
            {
                var database = Path.Combine(settings.Directory, "rss-db");
                if (Directory.Exists(database))
                {
                    Directory.Delete(database, recursive: true);
                }

                var (rows, seconds, peak) = PipelineChild.Start("rss", settings, inputs[s], database, "0/1");
                if (rows != sizes[s])
                {
                    throw new InvalidOperationException($"The child committed {rows} rows of {sizes[s]}.");
                }

                peaks[s].Add(peak);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{round}\t{rows}\t{peak:F1}\t{rows / seconds:F1}\t{seconds:F1}\t{MachineLoad.OneMinute():F2}"));
                Directory.Delete(database, recursive: true);
            }
        }

        var small = peaks[0].Max();
        var large = peaks[1].Max();
        Console.WriteLine($"# load average after: {MachineLoad.Averages()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# highest peak RSS: {small:F1} MiB at {sizes[0]} reads, {large:F1} MiB at {sizes[1]} reads: ratio {large / small:F3} (target <= 1.10)"));
        return 0;
    }
}
