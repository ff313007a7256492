using System.Diagnostics;
using System.Globalization;
using Connectomics.Storage.Parquet;

namespace Connectomics.Benchmarks;

/// <summary>
/// Shows that reading Parquet through <see cref="ParquetSequenceSource"/> runs in bounded memory: generates files of
/// N and 10×N reads, reads each to the end in a fresh child process (alternating, for several rounds) and prints
/// the child's peak resident set (VmHWM) and rows/s.
/// Usage: <c>parquet-rss [--reads 200000] [--factor 10] [--rounds 2] [--dir /tmp/connectomics-parquet-rss] [--keep]</c>.
/// The child is <c>parquet-rss --child &lt;file&gt;</c>.
/// </summary>
internal static class ParquetRss
{
    public static async Task<int> Run(string[] args)
    {
        if (args.Length == 2 && args[0] == "--child")
        {
            return await ReadToEnd(args[1]);
        }

        long reads = 200_000;
        var factor = 10;
        var rounds = 2;
        var keep = false;
        var directory = Path.Combine(Path.GetTempPath(), "connectomics-parquet-rss");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reads": reads = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--factor": factor = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": directory = args[++i]; break;
                case "--keep": keep = true; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        Directory.CreateDirectory(directory);
        long[] sizes = [reads, reads * factor];
        var files = new string[sizes.Length];
        for (var s = 0; s < sizes.Length; s++)
        {
            files[s] = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"reads-{sizes[s]}.parquet"));
            var started = Stopwatch.GetTimestamp();
            await SyntheticParquet.EnsureAsync(files[s], sizes[s]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# {files[s]}: {new FileInfo(files[s]).Length / 1048576.0:F0} MiB ({Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s to make)"));
        }

        Console.WriteLine("round\treads\tpeak_rss_mib\trows_per_s\tseconds");
        var peaks = new List<double>[sizes.Length];
        for (var s = 0; s < sizes.Length; s++)
        {
            peaks[s] = [];
        }

        for (var round = 1; round <= rounds; round++)
        {
            for (var s = 0; s < sizes.Length; s++)
            {
                var fields = ProcessStats.RunSelf("parquet-rss", "--child", files[s]).Split('\t');
                var rows = long.Parse(fields[0], CultureInfo.InvariantCulture);
                var seconds = double.Parse(fields[1], CultureInfo.InvariantCulture);
                var peak = double.Parse(fields[2], CultureInfo.InvariantCulture);
                if (rows != sizes[s])
                {
                    throw new InvalidOperationException($"Read {rows} rows from {files[s]}, expected {sizes[s]}.");
                }

                peaks[s].Add(peak);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{round}\t{rows}\t{peak:F1}\t{rows / seconds:F0}\t{seconds:F1}"));
            }
        }

        var small = peaks[0].Max();
        var large = peaks[1].Max();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# highest peak RSS: {small:F1} MiB at {sizes[0]} reads, {large:F1} MiB at {sizes[1]} reads: ratio {large / small:F3} (target <= 1.10)"));
        if (!keep)
        {
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }

    /// <summary>Reads a file to the end as the pipeline would (records with metadata) and prints rows, seconds, VmHWM (MiB), residues.</summary>
    private static async Task<int> ReadToEnd(string path)
    {
        var source = new ParquetSequenceSource(new ParquetSequenceSourceOptions
        {
            Inputs = [path],
            MetadataColumns = [.. SyntheticParquet.MetadataColumns],
        });
        long rows = 0;
        long residues = 0;
        var started = Stopwatch.GetTimestamp();
        await foreach (var batch in source.ReadBatchesAsync())
        {
            rows += batch.Records.Count;
            foreach (var record in batch.Records)
            {
                residues += record.Sequence.Length;
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows}\t{seconds:R}\t{ProcessStats.StatusMiB("VmHWM"):F1}\t{residues}"));
        return 0;
    }
}
