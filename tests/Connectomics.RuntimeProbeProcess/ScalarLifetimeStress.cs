using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.RuntimeProbeProcess;

/// <summary>
/// Runs the encoders' forward passes on several threads at once while another thread keeps collecting garbage and
/// running finalizers, and compares every output bit for bit with the output of the same batch computed alone
/// beforehand. A TorchSharp <c>Scalar</c> that the library lets become garbage while libtorch still reads it is freed
/// by its finalizer in the middle of the call: libtorch then reads freed memory, which shows as a wrong output, a
/// libtorch error or a crash of this process.
/// </summary>
internal static class ScalarLifetimeStress
{
    /// <summary>Runs the stress.</summary>
    /// <param name="iterations">Forward passes per worker thread.</param>
    /// <param name="threads">Worker threads.</param>
    /// <returns>The report: passes run, passes whose output differed, errors and the first error's message.</returns>
    public static Dictionary<string, object?> Run(int iterations, int threads)
    {
        TorchRuntime.EnsureApplied();

        // One intra-op thread: the outputs of a pass do not depend on how libtorch splits its work.
        torch.set_num_threads(1);
        var rotary = NucleotideTransformerModel.FromPreset("tiny", seed: 7);
        var learned = NucleotideTransformerModel.FromConfig(
            NucleotideTransformerPresets.Human500m with { HiddenSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 512 },
            seed: 11,
            name: "tiny-v1");
        var cases = new List<StressCase>();
        foreach (var model in new[] { rotary, learned })
        {
            var windows = Windows(model.Config, seed: model.Config.VocabSize);
            foreach (var pooling in new[] { EmbeddingPooling.Mean, EmbeddingPooling.Max })
            {
                cases.Add(new StressCase(model, windows, pooling));
            }
        }

        // What each case gives computed alone, before any other thread runs.
        foreach (var stressCase in cases)
        {
            stressCase.Expected = stressCase.Run();
        }

        long passes = 0;
        long mismatches = 0;
        long errors = 0;
        string? firstError = null;
        var failedCalls = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long collections = 0;
        using var done = new ManualResetEventSlim();
        var collector = new Thread(() =>
        {
            while (!done.IsSet)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        });
        collector.Start();
        var workers = Enumerable.Range(0, threads).Select(w => new Thread(() =>
        {
            torch.set_num_threads(1);
            for (var i = 0; i < iterations; i++)
            {
                var stressCase = cases[(i + w) % cases.Count];
                try
                {
                    var actual = stressCase.Run();
                    if (!actual.AsSpan().SequenceEqual(stressCase.Expected))
                    {
                        Interlocked.Increment(ref mismatches);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                    failedCalls.AddOrUpdate(NativeEntryPoint(e.Message), 1, (_, n) => n + 1);
                }

                Interlocked.Increment(ref passes);
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        done.Set();
        collector.Join();
        rotary.Dispose();
        learned.Dispose();
        return new Dictionary<string, object?>
        {
            ["passes"] = passes,
            ["mismatches"] = mismatches,
            ["errors"] = errors,
            ["firstError"] = firstError,
            ["failedCalls"] = failedCalls.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
            ["collections"] = Interlocked.Read(ref collections),
        };
    }

    /// <summary>The TorchSharp native entry point (<c>THS...</c>) named in a libtorch error's stack, if any.</summary>
    private static string NativeEntryPoint(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"\bTHS\w+");
        return match.Success ? match.Value : "(not named)";
    }

    /// <summary>Token windows of several lengths (so that the batch is padded), with some masked positions (so that
    /// token dropout rescales the embeddings of a v1 model).</summary>
    private static List<int[]> Windows(EsmConfig config, int seed)
    {
        var random = new Random(seed);
        var windows = new List<int[]>();
        foreach (var length in new[] { 48, 33, 64, 17 })
        {
            var window = new int[length];
            window[0] = 3;
            for (var t = 1; t < length; t++)
            {
                window[t] = t % 9 == 4 ? config.MaskTokenId : random.Next(5, config.VocabSize);
            }

            windows.Add(window);
        }

        return windows;
    }

    private sealed class StressCase(NucleotideTransformerModel model, List<int[]> windows, EmbeddingPooling pooling)
    {
        public float[] Expected { get; set; } = [];

        /// <summary>The last hidden state of the batch followed by its pooled vectors.</summary>
        public float[] Run()
        {
            float[] hidden;
            using (torch.inference_mode())
            using (var scope = torch.NewDisposeScope())
            {
                var length = windows.Max(w => w.Length);
                var ids = new long[windows.Count * length];
                var mask = new long[windows.Count * length];
                Array.Fill(ids, model.Config.PadTokenId);
                for (var b = 0; b < windows.Count; b++)
                {
                    for (var t = 0; t < windows[b].Length; t++)
                    {
                        ids[(b * length) + t] = windows[b][t];
                        mask[(b * length) + t] = 1;
                    }
                }

                var output = model.Encode(torch.tensor(ids, [windows.Count, length]), torch.tensor(mask, [windows.Count, length]));
                hidden = output.contiguous().data<float>().ToArray();
            }

            var pooled = BatchEncoder.EncodeAndPool((EsmEncoderModel)model.Module, CPU, windows, pooling);
            return [.. hidden, .. pooled.SelectMany(v => v)];
        }
    }
}
