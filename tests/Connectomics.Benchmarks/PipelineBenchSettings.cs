using System.Globalization;
using Connectomics.Chunks;
using Connectomics.Gpu.Inference;
using Connectomics.Pipelines;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Benchmarks;

/// <summary>
/// The settings the pipeline measurements share, parsed from their command line: the model (a preset with random
/// weights), its CPU layout and batch budget, the pipeline's per-call token budget and workers, and the input size.
/// Unless told otherwise the pipeline is configured as <c>connectomics-embed</c> configures it.
/// </summary>
internal sealed class PipelineBenchSettings
{
    public string Preset { get; private set; } = "tiny";

    public int Reads { get; private set; } = 3000;

    public int Rounds { get; private set; } = 3;

    /// <summary>The embedder's device-batch budget (<c>--batch-tokens</c> of the tool).</summary>
    public int BatchTokens { get; private set; } = 8192;

    /// <summary>The pipeline's per-call token budget; <see langword="null"/> for the tool's choice (the batch budget).</summary>
    public int? PipelineTokens { get; private set; }

    /// <summary>The pipeline's encode workers; <see langword="null"/> for the tool's choice (the embedder's CPU workers).</summary>
    public int? EncodeWorkers { get; private set; }

    /// <summary>The pipeline's prepare workers; <see langword="null"/> for the library default (one per processor).</summary>
    public int? PrepareWorkers { get; private set; }

    public int? CpuWorkers { get; private set; }

    public int RowGroupSize { get; private set; } = 500;

    public string Directory { get; private set; } = Path.Combine(Path.GetTempPath(), "connectomics-pipeline-bench");

    public bool Keep { get; private set; }

    /// <summary>Parses the options; returns the arguments it did not know (a mode's own).</summary>
    public static (PipelineBenchSettings Settings, List<string> Others) Parse(IReadOnlyList<string> args)
    {
        var settings = new PipelineBenchSettings();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--preset": settings.Preset = args[++i]; break;
                case "--reads": settings.Reads = Int(args[++i]); break;
                case "--rounds": settings.Rounds = Int(args[++i]); break;
                case "--batch-tokens": settings.BatchTokens = Int(args[++i]); break;
                case "--pipeline-tokens": settings.PipelineTokens = Int(args[++i]); break;
                case "--encode-workers": settings.EncodeWorkers = Int(args[++i]); break;
                case "--prepare-workers": settings.PrepareWorkers = Int(args[++i]); break;
                case "--cpu-workers": settings.CpuWorkers = Int(args[++i]); break;
                case "--row-group": settings.RowGroupSize = Int(args[++i]); break;
                case "--dir": settings.Directory = args[++i]; break;
                case "--keep": settings.Keep = true; break;
                default: rest.Add(args[i]); break;
            }
        }

        return (settings, rest);
    }

    /// <summary>The same options as arguments, for a child process.</summary>
    public List<string> ToArguments()
    {
        var args = new List<string> { "--preset", Preset, "--batch-tokens", Text(BatchTokens), "--row-group", Text(RowGroupSize), "--dir", Directory };
        AddOptional(args, "--pipeline-tokens", PipelineTokens);
        AddOptional(args, "--encode-workers", EncodeWorkers);
        AddOptional(args, "--prepare-workers", PrepareWorkers);
        AddOptional(args, "--cpu-workers", CpuWorkers);
        return args;
    }

    /// <summary>Builds the embedder: the preset with random weights (seed 0), mean pooling, on the CPU.</summary>
    public NucleotideTransformerEmbedder BuildEmbedder() =>
        NucleotideTransformerEmbedder.CreateBuilder()
            .OnDevice("cpu")
            .Configure(o =>
            {
                o.MaxBatchTokens = BatchTokens;
                o.CpuWorkers = CpuWorkers;
            })
            .FromPreset(Preset)
            .Build();

    /// <summary>Builds the pipeline from <paramref name="input"/> into a table <c>reads</c> of <paramref name="database"/>.</summary>
    public EmbeddingPipeline<SequenceRecord> BuildPipeline(NucleotideTransformerEmbedder embedder, string input, string database, ShardAssignment? shard = null) =>
        EmbeddingPipeline.FromParquet(input, c => c.Keep([.. SyntheticParquet.MetadataColumns]))
            .Embed(embedder, e =>
            {
                e.TokensPerBatch(PipelineTokens ?? BatchTokens)
                    .EncodeWorkers(EncodeWorkers ?? Math.Max(1, Math.Max(embedder.Devices.Count, embedder.CpuWorkers)));
                if (PrepareWorkers is int prepare)
                {
                    e.PrepareWorkers(prepare);
                }
            })
            .ToLance(database, "reads")
            .AsShard(shard ?? ShardAssignment.Single)
            .OnBadRecords(BadRecordPolicy.Quarantine, new ParquetQuarantine(Path.Combine(database, "reads.quarantine")))
            .Build();

    /// <summary>Makes (once) the Parquet file of <paramref name="reads"/> reads and returns its path.</summary>
    public async Task<string> EnsureInputAsync(long reads)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"reads-{reads}-rg{RowGroupSize}.parquet"));
        await SyntheticParquet.EnsureAsync(path, reads, RowGroupSize);
        return path;
    }

    /// <summary>A one-line description of the set-up, for the output's header.</summary>
    public string Describe(NucleotideTransformerEmbedder embedder) => string.Create(CultureInfo.InvariantCulture,
        $"preset {Preset} ({embedder.Dimension}-dim, {embedder.Config.NumHiddenLayers} layers, random weights), {embedder.CpuWorkers} CPU worker(s), " +
        $"embedder batch {embedder.MaxBatchTokens} tokens, pipeline call {PipelineTokens ?? BatchTokens} tokens, " +
        $"encode workers {EncodeWorkers?.ToString(CultureInfo.InvariantCulture) ?? "tool default"}, prepare workers {PrepareWorkers?.ToString(CultureInfo.InvariantCulture) ?? "library default"}");

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void AddOptional(List<string> args, string name, int? value)
    {
        if (value is int set)
        {
            args.Add(name);
            args.Add(Text(set));
        }
    }
}
