using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Connectomics.Embed.Cli;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using Connectomics.Lora.Adapters;
using Microsoft.Extensions.Logging;

namespace Connectomics.Embed.Jobs;

/// <summary>Applies the fast CPU process settings and builds the embedder the command line describes, saying what it built.</summary>
internal static class EmbedderFactory
{
    public static NucleotideTransformerEmbedder Build(ParseResult parsed, EmbedCommandLine options, ILoggerFactory loggerFactory, bool upperCase)
    {
        var verbose = parsed.GetValue(options.Verbose);

        // A tool that only embeds reads opts into the fast CPU settings; a library user's defaults change nothing
        // process-wide.
        var runtime = TorchRuntime.Configure(FastCpuRuntime.Options(parsed.GetValue(options.MklDispatch)), loggerFactory.CreateLogger(typeof(TorchRuntime).FullName!));
        var changed = runtime.Settings.Where(s => s.ChangedProcessState).Select(s => s.Name).ToList();
        Console.Error.WriteLine($"process settings: {(changed.Count == 0 ? "none changed" : string.Join(", ", changed))} (fast CPU set-up{(verbose ? string.Empty : "; --verbose for each setting")})");
        if (verbose)
        {
            Console.Error.WriteLine(runtime.ToString());
        }

        var builder = NucleotideTransformerEmbedder.CreateBuilder()
            .OnDevice(parsed.GetValue(options.Device)!)
            .WithLoggerFactory(loggerFactory)
            .Configure(o =>
            {
                o.MaxBatchTokens = parsed.GetValue(options.BatchTokens);
                o.Pooling = parsed.GetValue(options.Pooling);
                o.Normalize = parsed.GetValue(options.Normalize);
                o.LongSequences = parsed.GetValue(options.LongReads);
                o.CpuThreads = parsed.GetValue(options.Threads);
                o.CpuWorkers = parsed.GetValue(options.CpuWorkers);
                o.CudaPrecision = parsed.GetValue(options.Precision);
                o.Tokenizer.UpperCaseFirst = upperCase;
                o.Tokenizer.StrictNucleotides = parsed.GetValue(options.Strict);
            });
        var checkpoint = parsed.GetValue(options.Weights);
        var adapter = parsed.GetValue(options.Adapter);
        var loading = Stopwatch.GetTimestamp();
        NucleotideTransformerEmbedder embedder;
        if (checkpoint is not null && adapter is not null)
        {
            // The embedder copies the merged weights; the model is not needed once it is built.
            using var merged = LoadMerged(checkpoint.FullName, adapter.FullName);
            embedder = builder.FromModel(merged).Build();
        }
        else
        {
            builder = checkpoint is null ? builder.FromPreset(parsed.GetValue(options.Preset)!, parsed.GetValue(options.Seed)) : builder.FromPretrained(checkpoint.FullName);
            embedder = builder.Build();
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {embedder.Name}: {embedder.Dimension}-dim, {embedder.Config.NumHiddenLayers} layers, on {string.Join(",", embedder.Devices)}{(embedder.CpuWorkers > 1 ? $" ({embedder.CpuWorkers} CPU workers)" : string.Empty)} (ready in {Stopwatch.GetElapsedTime(loading).TotalSeconds:F1} s)"));
        if (checkpoint is null)
        {
            Console.Error.WriteLine($"note: preset '{parsed.GetValue(options.Preset)}' has RANDOM weights (seed {parsed.GetValue(options.Seed)}): the vectors show the pipeline working, not learned biology; use --weights for a real checkpoint.");
        }

        foreach (var d in embedder.Devices)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {d}: {d.Name ?? "unknown"}{(d.TotalMemoryBytes is long m ? $", {m / (1024.0 * 1024 * 1024):F1} GiB" : string.Empty)}"));
        }

        return embedder;
    }

    /// <summary>The base checkpoint with a PEFT LoRA adapter merged into its projections (plain linear layers again),
    /// so that the embedder runs at the base model's speed and its fingerprint names the adapted weights.</summary>
    private static NucleotideTransformerModel LoadMerged(string checkpoint, string adapterDirectory)
    {
        var model = NucleotideTransformerModel.FromPretrained(checkpoint);
        try
        {
            using var adapter = LoraAdapter.Load(model, adapterDirectory);
            var modules = adapter.TargetedModules.Count;
            adapter.MergeAndUnload();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"adapter {adapterDirectory}: LoRA on {modules} projections, merged into {model.Name}"));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
