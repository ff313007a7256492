using System.Diagnostics;
using System.Globalization;
using Connectomics.Pipelines;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Benchmarks;

/// <summary>
/// The embedding job against its encoder, side by side in one process: rounds alternate the encoder alone
/// (<see cref="Gpu.Inference.NucleotideTransformerEmbedder.EmbedAsync(IReadOnlyList{SequenceRecord}, CancellationToken)"/>
/// over the reads, already in memory) and the whole pipeline (Parquet → the same embedder → a new Lance table), and
/// print rows/s per round, the medians, their ratio (target ≥ 0.95), the pipeline's mean queue depths and the load
/// average. Usage: <c>pipeline-side-by-side [throughput] [settings]</c>, <c>pipeline-side-by-side rss [--factor 10]
/// [settings]</c> (<see cref="PipelineRss"/>) or <c>pipeline-side-by-side shards [--shards 3] [settings]</c>
/// (<see cref="PipelineShards"/>); the settings are <see cref="PipelineBenchSettings"/>'s.
/// </summary>
internal static class PipelineSideBySide
{
    public static async Task<int> Run(string[] args)
    {
        var named = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal);
        var mode = named ? args[0] : "throughput";
        var (settings, rest) = PipelineBenchSettings.Parse(named ? args[1..] : args);
        return mode switch
        {
            "throughput" when rest.Count == 0 => await Throughput(settings),
            "rss" => await PipelineRss.Run(settings, rest),
            "shards" => await PipelineShards.Run(settings, rest),
            _ => throw new ArgumentException($"Unknown mode or argument: '{string.Join(' ', rest.Prepend(mode))}'."),
        };
    }

    private static async Task<int> Throughput(PipelineBenchSettings settings)
    {
        var input = await settings.EnsureInputAsync(settings.Reads);
        var records = await ReadAllAsync(input);
        using var embedder = settings.BuildEmbedder();
        Console.WriteLine($"# {MachineLoad.Processor()}");
        Console.WriteLine($"# {settings.Describe(embedder)}; {records.Count} reads from {input}");

        // Warm-up: the first forward passes and the first table creation pay one-off costs.
        await embedder.EmbedAsync(records.Take(256).ToList());
        await RunPipelineAsync(settings, embedder, input, Path.Combine(settings.Directory, "warm-up"), new QueueDepthSampler(4));

        using var work = new EmbedderWorkCounter();
        work.Take();
        Console.WriteLine($"# load average before: {MachineLoad.Averages()}");
        Console.WriteLine("round\tside\trows\tseconds\trows_per_s\trows_per_cpu_s\tload_1m\twork\tqueues");
        var encoderCpu = new List<double>();
        var pipelineCpu = new List<double>();
        var encoder = new List<double>();
        var pipeline = new List<double>();
        var loads = new List<double>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var vectors = await embedder.EmbedAsync(records);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            encoder.Add(vectors.Count / seconds);
            encoderCpu.Add(vectors.Count / cpuSeconds);
            loads.Add(MachineLoad.OneMinute());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{round}\tencoder\t{vectors.Count}\t{seconds:F2}\t{encoder[^1]:F1}\t{encoderCpu[^1]:F1}\t{loads[^1]:F2}\t{EmbedderWorkCounter.Describe(work.Take())}\t"));

            var sampler = new QueueDepthSampler(4);
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            started = Stopwatch.GetTimestamp();
            var result = await RunPipelineAsync(settings, embedder, input, Path.Combine(settings.Directory, "db-" + round.ToString(CultureInfo.InvariantCulture)), sampler);
            seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            if (result.RowsCommitted != records.Count)
            {
                throw new InvalidOperationException($"The pipeline committed {result.RowsCommitted} rows of {records.Count}.");
            }

            pipeline.Add(result.RowsCommitted / seconds);
            pipelineCpu.Add(result.RowsCommitted / cpuSeconds);
            loads.Add(MachineLoad.OneMinute());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{round}\tpipeline\t{result.RowsCommitted}\t{seconds:F2}\t{pipeline[^1]:F1}\t{pipelineCpu[^1]:F1}\t{loads[^1]:F2}\t{EmbedderWorkCounter.Describe(work.Take())}\t{sampler.Summary()}"));
        }

        var encoderMedian = MachineLoad.Median(encoder);
        var pipelineMedian = MachineLoad.Median(pipeline);
        Console.WriteLine($"# load average after: {MachineLoad.Averages()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# median rows/s: encoder {encoderMedian:F1}, pipeline {pipelineMedian:F1}: ratio {pipelineMedian / encoderMedian:F3} (target >= 0.95); 1-minute load {loads.Min():F2}-{loads.Max():F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# median rows per CPU-second (less sensitive to other processes): encoder {MachineLoad.Median(encoderCpu):F1}, pipeline {MachineLoad.Median(pipelineCpu):F1}: ratio {MachineLoad.Median(pipelineCpu) / MachineLoad.Median(encoderCpu):F3}"));
        if (!settings.Keep)
        {
            foreach (var database in System.IO.Directory.EnumerateDirectories(settings.Directory))
            {
                System.IO.Directory.Delete(database, recursive: true);
            }
        }

        return 0;
    }

    /// <summary>Runs the pipeline into a new database directory (removed first if present).</summary>
    internal static async Task<PipelineResult> RunPipelineAsync(
        PipelineBenchSettings settings, Gpu.Inference.NucleotideTransformerEmbedder embedder, string input, string database, IProgress<PipelineProgress> progress)
    {
        if (System.IO.Directory.Exists(database))
        {
            System.IO.Directory.Delete(database, recursive: true);
        }

        return await settings.BuildPipeline(embedder, input, database).RunAsync(progress);
    }

    private static async Task<List<SequenceRecord>> ReadAllAsync(string path)
    {
        var source = new ParquetSequenceSource(new ParquetSequenceSourceOptions { Inputs = [path] });
        var records = new List<SequenceRecord>();
        await foreach (var batch in source.ReadBatchesAsync())
        {
            records.AddRange(batch.Records);
        }

        return records;
    }
}
