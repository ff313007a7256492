using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Benchmarks;

/// <summary>
/// <c>checkpointing-memory [--preset v2-50m] [--batch 8] [--tokens 169] [--rounds 2] [--threads 2]</c>: the peak
/// activation memory of one masked-LM training step (forward, loss over every position as Hugging Face computes it,
/// backward) with gradient checkpointing off and on. Each measurement runs in a fresh child process (modes alternate,
/// off first): the model is built and its gradient buffers allocated, a one-read step warms the kernels, the
/// kernel's peak-RSS counter is reset (<c>/proc/self/clear_refs</c>), and the step's activation memory is the peak
/// resident set during the step minus the resident set before it. The process runs with the library's defaults (no
/// allocator tuning, so freed tensors go back to the system).
/// </summary>
internal static class CheckpointingMemory
{
    public static int Run(string[] args)
    {
        var options = Parse(args);
        if (options.TryGetValue("child", out var mode))
        {
            return Child(options, mode == "on");
        }

        var rounds = int.Parse(options.GetValueOrDefault("rounds", "2"), CultureInfo.InvariantCulture);
        var forwarded = options.Where(o => o.Key != "rounds").SelectMany(o => new[] { "--" + o.Key, o.Value }).ToArray();
        var results = new Dictionary<bool, List<JsonElement>> { [false] = [], [true] = [] };
        for (var round = 0; round < rounds; round++)
        {
            foreach (var on in new[] { false, true })
            {
                var line = ProcessStats.RunSelf(["checkpointing-memory", .. forwarded, "--child", on ? "on" : "off"]);
                Console.Error.WriteLine($"round {round + 1}, checkpointing {(on ? "on " : "off")}: {line}");
                results[on].Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        double Median(bool on, string field)
        {
            var values = results[on].Select(r => r.GetProperty(field).GetDouble()).Order().ToArray();
            return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
        }

        var off = Median(false, "activation_mib");
        var onMib = Median(true, "activation_mib");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            preset = options.GetValueOrDefault("preset", "v2-50m"),
            batch = int.Parse(options.GetValueOrDefault("batch", "8"), CultureInfo.InvariantCulture),
            tokens = int.Parse(options.GetValueOrDefault("tokens", "169"), CultureInfo.InvariantCulture),
            rounds,
            off_activation_mib = Math.Round(off, 1),
            on_activation_mib = Math.Round(onMib, 1),
            reduction_percent = Math.Round(100 * (1 - (onMib / off)), 1),
            off_step_seconds = Math.Round(Median(false, "step_seconds"), 2),
            on_step_seconds = Math.Round(Median(true, "step_seconds"), 2),
            off_peak_rss_mib = Math.Round(Median(false, "peak_rss_mib"), 1),
            on_peak_rss_mib = Math.Round(Median(true, "peak_rss_mib"), 1),
        }));
        return 0;
    }

    private static int Child(Dictionary<string, string> options, bool checkpointing)
    {
        var threads = int.Parse(options.GetValueOrDefault("threads", "2"), CultureInfo.InvariantCulture);
        TorchRuntime.Configure(BenchmarkRuntime.Options(fastCpu: false, mklDispatch: "keep", threads: threads));
        var batch = int.Parse(options.GetValueOrDefault("batch", "8"), CultureInfo.InvariantCulture);
        var tokens = int.Parse(options.GetValueOrDefault("tokens", "169"), CultureInfo.InvariantCulture);
        using var model = NucleotideTransformerModel.FromPreset(options.GetValueOrDefault("preset", "v2-50m"), seed: 1, withLanguageModelHead: true);
        model.SetTrainingMode(true);
        model.GradientCheckpointing = checkpointing;
        foreach (var parameter in model.Module.parameters())
        {
            parameter.grad = torch.zeros_like(parameter);
        }

        Step(model, 1, 16, seed: 0);
        File.WriteAllText("/proc/self/clear_refs", "5");
        var before = ProcessStats.StatusMiB("VmRSS");
        var watch = Stopwatch.StartNew();
        Step(model, batch, tokens, seed: 1);
        var seconds = watch.Elapsed.TotalSeconds;
        var peak = ProcessStats.StatusMiB("VmHWM");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            checkpointing,
            rss_before_mib = Math.Round(before, 1),
            peak_rss_mib = Math.Round(peak, 1),
            activation_mib = Math.Round(peak - before, 1),
            step_seconds = Math.Round(seconds, 3),
        }));
        return 0;
    }

    /// <summary>One masked-LM step: random k-mer ids, 15% of positions labelled, the head over every position.</summary>
    private static void Step(NucleotideTransformerModel model, int batch, int tokens, long seed)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var ids = torch.randint(6, 4102, [batch, tokens], ScalarType.Int64, generator: generator);
        ids[.., 0] = torch.tensor(3L);
        var mask = torch.ones([batch, tokens], ScalarType.Int64);
        var selected = torch.rand([batch, tokens], generator: generator).lt(0.15);
        var labels = ids.masked_fill(selected.logical_not(), -100);
        var logits = model.PredictTokens(model.Encode(ids.masked_fill(selected, 2), mask));
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: -100);
        loss.backward();
    }

    private static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option at '{args[i]}' (for example --batch 8).");
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }
}
