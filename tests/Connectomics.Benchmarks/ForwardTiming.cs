using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Benchmarks;

/// <summary>
/// The TorchSharp half of the side-by-side comparison with PyTorch (tools/bench/compare_with_pytorch.py): the same
/// architecture and shapes as tools/bench/pytorch_encoder_bench.py — random weights, 1 kb reads (168 tokens, no
/// padding), float32, inference mode, forward plus mean pooling — printing the same JSON lines.
/// </summary>
internal static class ForwardTiming
{
    private const int Tokens = 168;

    public static int Run(string[] args)
    {
        var configs = new List<string>();
        var batches = new List<int>();
        int iters = 10, warmup = 3, threads = 2, workers = 1;
        var attention = AttentionImplementation.ScaledDotProduct;
        var mallopt = false;
        string? mklDispatch = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config": configs.Add(args[++i]); break;
                case "--batch": batches.Add(int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--iters": iters = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--workers": workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--attention": attention = Enum.Parse<AttentionImplementation>(args[++i], ignoreCase: true); break;
                case "--json": break;
                case "--mallopt": mallopt = true; break;
                case "--mkl-dispatch": mklDispatch = args[++i]; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        if (workers < 1 || workers > threads)
        {
            throw new ArgumentException("--workers must be between 1 and --threads.");
        }

        // --mallopt: the fast CPU settings (heap kept for reuse, huge pages); MKL's dispatch from --mkl-dispatch or
        // CONNECTOMICS_MKL_VENDOR_DISPATCH; libtorch's thread count for the process from --threads.
        var runtime = TorchRuntime.Configure(BenchmarkRuntime.Options(mallopt, mklDispatch, threads));
        foreach (var config in configs.Count > 0 ? configs : ["tiny", "v2-50m"])
        {
            foreach (var batch in batches.Count > 0 ? batches : [8, 32])
            {
                Console.WriteLine(JsonSerializer.Serialize(Measure(config, batch, iters, warmup, threads, workers, attention, runtime)));
            }
        }

        return 0;
    }

    private static Dictionary<string, object> Measure(string name, int batch, int iters, int warmup, int threads, int workers, AttentionImplementation attention, TorchRuntimeState runtime)
    {
        using var model = new EsmEncoderModel(NucleotideTransformerPresets.Get(name), attention);
        model.InitializeWeights(0);
        model.eval();
        // <cls> then random v2 6-mer ids, no padding.
        var random = new Random(0);
        var windows = Enumerable.Range(0, batch)
            .Select(_ => Enumerable.Range(0, Tokens).Select(t => t == 0 ? 3 : random.Next(6, 4102)).ToArray())
            .ToArray();

        var times = new List<double>();
        if (workers == 1)
        {
            for (var i = 0; i < warmup + iters; i++)
            {
                var started = Stopwatch.GetTimestamp();
                BatchEncoder.EncodeAndPool(model, torch.CPU, windows, EmbeddingPooling.Mean);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (i >= warmup)
                {
                    times.Add(ms);
                }
            }
        }
        else
        {
            // The engine's CPU workers: each thread runs its own batch through the shared model with threads / workers
            // libtorch threads; an iteration ends when every worker has finished one batch.
            using var barrier = new Barrier(workers + 1);
            var pool = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
            {
                runtime.ThreadCounts.SetForCurrentThread(threads / workers);
                for (var i = 0; i < warmup + iters; i++)
                {
                    barrier.SignalAndWait();
                    BatchEncoder.EncodeAndPool(model, torch.CPU, windows, EmbeddingPooling.Mean);
                    barrier.SignalAndWait();
                }
            })).ToArray();
            foreach (var thread in pool)
            {
                thread.Start();
            }

            for (var i = 0; i < warmup + iters; i++)
            {
                barrier.SignalAndWait();
                var started = Stopwatch.GetTimestamp();
                barrier.SignalAndWait();
                if (i >= warmup)
                {
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            foreach (var thread in pool)
            {
                thread.Join();
            }
        }

        times.Sort();
        var median = times[times.Count / 2];
        return new Dictionary<string, object>
        {
            ["framework"] = "torchsharp",
            ["config"] = name,
            ["batch"] = batch,
            ["threads"] = threads,
            ["workers"] = workers,
            ["mkl_dispatch"] = runtime[nameof(TorchRuntimeOptions.MklDispatch)].Detail,
            ["attention"] = attention.ToString(),
            ["mallopt"] = runtime[nameof(TorchRuntimeOptions.TuneNativeHeap)].ChangedProcessState,
            ["median_ms"] = Math.Round(median, 3),
            ["seq_per_s"] = Math.Round(workers * batch / (median / 1000), 3),
            ["tokens_per_s"] = Math.Round(workers * batch * Tokens / (median / 1000), 1),
        };
    }
}
