using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Connectomics.Gpu.Inference;
using Connectomics.Sequences;

namespace Connectomics.Benchmarks;

/// <summary>
/// Streams many reads through the embedder and prints the process's resident memory as it goes, to show that
/// memory stays flat however many reads pass (native tensors are released batch by batch).
/// Usage: <c>memory-soak [--reads 100000] [--preset tiny] [--every 10000]</c>.
/// </summary>
internal static class MemorySoak
{
    public static async Task<int> Run(string[] args)
    {
        var reads = 100_000;
        var every = 10_000;
        var preset = "tiny";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reads": reads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--every": every = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--preset": preset = args[++i]; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset(preset).OnDevice("cpu").Build();
        var started = Stopwatch.GetTimestamp();
        long done = 0;
        Console.WriteLine("reads\trss_mib\tmanaged_mib\telapsed_s");
        await foreach (var _ in embedder.EmbedAsync(Generate(reads)))
        {
            done++;
            if (done % every == 0 || done == reads)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{done}\t{ResidentMiB():F1}\t{GC.GetTotalMemory(false) / 1048576.0:F1}\t{Stopwatch.GetElapsedTime(started).TotalSeconds:F1}"));
            }
        }

        return 0;
    }

    private static async IAsyncEnumerable<SequenceRecord> Generate(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var random = new Random(3);
        var buffer = new char[1500];
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var length = random.Next(150, 1501);
            for (var j = 0; j < length; j++)
            {
                buffer[j] = "ACGT"[random.Next(4)];
            }

            yield return new SequenceRecord($"r{i}", new string(buffer, 0, length));
        }

        await Task.CompletedTask;
    }

    private static double ResidentMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }
}
