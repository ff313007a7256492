using System.CommandLine;
using System.Globalization;
using Connectomics.Embed.Cli;
using Connectomics.Embed.Output;
using Connectomics.Gpu.Inference;
using Connectomics.Pipelines;
using Connectomics.Samples.Cli;
using Connectomics.Samples.Inputs;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Connectomics.Embed.Jobs;

/// <summary>The main job: reads into a LanceDB table, one shard of a run, resuming where the run stands.</summary>
internal static class TableJob
{
    public static async Task<(int ExitCode, PipelineResult? Result)> RunAsync(
        ParseResult parsed,
        EmbedCommandLine options,
        TableRequest request,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var (shard, shardSource) = ShardResolution.Resolve(parsed.GetValue(options.Shard), parsed.GetValue(options.ShardCount));
        var every = parsed.GetValue(options.CheckpointEvery)!;
        if (!DurationText.TryParse(every, out var interval) || interval <= TimeSpan.Zero)
        {
            throw new FormatException($"--checkpoint-every '{every}' is not a duration such as 30m, 90s or 1h.");
        }

        var format = request.Format == InputFormat.Auto ? InputFormatDetector.Detect(request.Inputs) : request.Format;
        var quarantineDirectory = parsed.GetValue(options.Quarantine) ?? Path.Combine(request.Database, request.Table + ".quarantine");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"input: {string.Join(", ", request.Inputs)} ({format.ToString().ToLowerInvariant()}); table '{request.Table}' in {request.Database}; run '{parsed.GetValue(options.RunId)}', shard {shard} ({shardSource})"));

        // The sources upper-case soft-masked reads (unless --keep-case); the tokenizer sees the letters they give it.
        using var embedder = EmbedderFactory.Build(parsed, options, loggerFactory, upperCase: false);
        var builder = format switch
        {
            InputFormat.Parquet => EmbeddingPipeline.FromParquet(request.Inputs, c =>
            {
                c.Id(request.IdColumn).Sequence(request.SequenceColumn);
                if (request.Keep.Count > 0)
                {
                    c.Keep([.. request.Keep]);
                }

                if (request.KeepCase)
                {
                    c.KeepCase();
                }
            }),
            InputFormat.Fasta => EmbeddingPipeline.FromFasta(request.Inputs, s => KeepCase(s, request.KeepCase)),
            _ => EmbeddingPipeline.FromFastq(request.Inputs, s => KeepCase(s, request.KeepCase)),
        };

        var pipeline = builder
            .Embed(embedder, e => e
                .TokensPerBatch(parsed.GetValue(options.BatchTokens))
                .EncodeWorkers(Math.Max(1, Math.Max(embedder.Devices.Count, embedder.CpuWorkers)))
                .MaxUnknownShare(parsed.GetValue(options.MaxUnknownShare)))
            .ToLance(request.Database, request.Table)
            .WithRunId(parsed.GetValue(options.RunId)!)
            .AsShard(shard)
            .CheckpointEvery(interval, parsed.GetValue(options.CheckpointRows))
            .Restart(parsed.GetValue(options.Restart))
            .OnBadRecords(parsed.GetValue(options.BadRecords), new ParquetQuarantine(quarantineDirectory))
            .WithTableMetadata("connectomics.tool", "connectomics-embed")
            .UseLoggerFactory(loggerFactory);
        if (parsed.GetValue(options.Adapter) is { } adapter)
        {
            // The fingerprint already tells the merged weights apart; this says which adapter made them.
            pipeline = pipeline.WithTableMetadata("connectomics.adapter", adapter.FullName);
        }

        var run = pipeline.Build();

        var interactive = !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var display = ProgressDisplay.ForConsole();
        var result = await display.FollowAsync($"shard {shard}", () => run.RunAsync(display, cancellationToken));

        var summaryConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        RunSummary.Write(summaryConsole, !Console.IsOutputRedirected && interactive, result, request.Table, request.Database);
        if (result.Outcome == PipelineOutcome.Cancelled)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cancelled: shard {shard} of run '{result.RunId}' has {result.RowsCommitted:N0} rows committed (version {result.StoreVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}); run the same command to continue."));
        }

        if (result.Outcome == PipelineOutcome.AlreadyComplete)
        {
            Console.Error.WriteLine($"shard {shard} of run '{result.RunId}' is already complete; nothing to do (--restart starts over).");
        }

        return (result.Outcome == PipelineOutcome.Cancelled ? ExitCodes.Cancelled : ExitCodes.Success, result);
    }

    private static void KeepCase(Storage.Fasta.SequenceFileSettings settings, bool keepCase)
    {
        if (keepCase)
        {
            settings.KeepCase();
        }
    }
}
