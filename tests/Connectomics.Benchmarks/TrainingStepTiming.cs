using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Connectomics.Gpu.Runtime;

namespace Connectomics.Benchmarks;

/// <summary>
/// <c>lora-train-side-by-side --kind lora|full|mlm --config v2-50m --batch 8 [--iters 5] [--warmup 2] [--threads 2]
/// [--mallopt] [--mkl-dispatch cpu-features|keep]</c>: the TorchSharp half of
/// tools/bench/compare_lora_train_with_pytorch.py. Times <see cref="TrainingStep"/> and prints one JSON line with the
/// median step time and the medians of its phases (forward with the loss, backward, optimizer), in the fields tools/bench/pytorch_lora_train_bench.py prints.
/// </summary>
internal static class TrainingStepTiming
{
    public static int Run(string[] args)
    {
        string config = "v2-50m", kind = "lora";
        int batch = 8, iters = 5, warmup = 2, threads = 2;
        var mallopt = false;
        string? mklDispatch = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config": config = args[++i]; break;
                case "--kind": kind = args[++i]; break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--iters": iters = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--json": break;
                case "--mallopt": mallopt = true; break;
                case "--mkl-dispatch": mklDispatch = args[++i]; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        var stepKind = kind switch
        {
            "lora" => TrainingStepKind.Lora,
            "full" => TrainingStepKind.Full,
            "mlm" => TrainingStepKind.MaskedLm,
            _ => throw new ArgumentException($"Unknown --kind '{kind}': use lora, full or mlm."),
        };
        if (iters < 1 || warmup < 0)
        {
            throw new ArgumentException("--iters must be at least 1 and --warmup at least 0.");
        }

        // --mallopt: the fast CPU settings (heap kept for reuse, huge pages), as in the forward-pass comparison; MKL's
        // dispatch from --mkl-dispatch or CONNECTOMICS_MKL_VENDOR_DISPATCH; libtorch's thread count from --threads.
        var runtime = TorchRuntime.Configure(BenchmarkRuntime.Options(mallopt, mklDispatch, threads));
        using var step = new TrainingStep(config, stepKind, batch);
        var times = new List<double>();
        var losses = new List<float>();
        var phases = new List<double[]>();
        for (var i = 0; i < warmup + iters; i++)
        {
            var phase = new double[3];
            var started = Stopwatch.GetTimestamp();
            losses.Add(step.Run(phase));
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i >= warmup)
            {
                times.Add(ms);
                phases.Add(phase);
            }
        }

        var median = MachineLoad.Median(times);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["framework"] = "torchsharp",
            ["kind"] = kind,
            ["config"] = config,
            ["batch"] = batch,
            ["seq_len"] = TrainingStep.Tokens,
            ["threads"] = threads,
            ["mkl_dispatch"] = runtime[nameof(TorchRuntimeOptions.MklDispatch)].Detail,
            ["mallopt"] = runtime[nameof(TorchRuntimeOptions.TuneNativeHeap)].ChangedProcessState,
            ["median_ms"] = Math.Round(median, 3),
            ["min_ms"] = Math.Round(times.Min(), 3),
            ["forward_ms"] = Math.Round(MachineLoad.Median(phases.Select(p => p[0]).ToArray()), 3),
            ["backward_ms"] = Math.Round(MachineLoad.Median(phases.Select(p => p[1]).ToArray()), 3),
            ["optimizer_ms"] = Math.Round(MachineLoad.Median(phases.Select(p => p[2]).ToArray()), 3),
            ["tokens_per_s"] = Math.Round(batch * TrainingStep.Tokens / (median / 1000), 1),
            ["trainable_parameters"] = step.TrainableParameters,
            ["total_parameters"] = step.TotalParameters,
            ["label_counts"] = TrainingStep.LabelCounts,
            ["losses"] = losses.Select(l => Math.Round(l, 4)).ToArray(),
            ["load_average"] = MachineLoad.Averages(),
        }));
        return 0;
    }
}
