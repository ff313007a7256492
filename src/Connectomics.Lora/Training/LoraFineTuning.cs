using System.Diagnostics.Metrics;
using Connectomics.Chunks;
using Connectomics.Gpu.Models;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Taxonomy;
using Connectomics.Sequences;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Connectomics.Lora.Training;

/// <summary>
/// The entry point of LoRA fine-tuning on a 7-rank taxonomy, for example
/// <c>LoraFineTuning.For(model).Targets("query", "value").Rank(16).Alpha(32).Dropout(0.1).OnTaxonomy(train,
/// labelColumn: "description").Epochs(10).CheckpointTo(dir).RunAsync(progress, ct)</c>.
/// </summary>
/// <remarks>
/// A builder is single-use and not thread-safe. <c>RunAsync</c> injects adapters into the model (which the
/// result's adapter then owns), trains them and a head, and writes the final adapter and head to the checkpoint
/// directory; when that directory holds checkpoints of the same run, the run resumes from the newest one. On CPU a
/// resumed run reaches bit-identical weights to an uninterrupted one, provided nothing else in the process draws from
/// torch's global generator (which dropout uses) while it trains.
/// </remarks>
public sealed class LoraFineTuning : TrainingBuilder<LoraFineTuning, LoraFineTuningOptions, LabelledSequence, LoraFineTuningResult>
{
    private string _labelColumn = LabelledSequenceReaderOptions.FastaDescriptionKey;

    private LoraFineTuning(NucleotideTransformerModel model, LoraFineTuningOptions options)
        : base(model, options)
    {
    }

    /// <inheritdoc />
    private protected override string TrainingInputMethod => nameof(OnTaxonomy);

    /// <inheritdoc />
    private protected override void ValidateOptions() => Options.Validate();

    /// <summary>Starts fine-tuning a model.</summary>
    /// <param name="model">The encoder; its base weights stay frozen.</param>
    /// <returns>The builder.</returns>
    public static LoraFineTuning For(NucleotideTransformerModel model) => new(model, new LoraFineTuningOptions());

    /// <summary>Starts a run with options and services from a container.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The options (a fresh instance the builder owns).</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    internal static LoraFineTuning For(NucleotideTransformerModel model, LoraFineTuningOptions options, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider? timeProvider) =>
        new LoraFineTuning(model, options).UseServices(loggerFactory, meterFactory, timeProvider);

    /// <summary>Sets the modules that get adapters (PEFT's matching: a name or a name ending in <c>.entry</c>).</summary>
    /// <param name="modules">The module names, for example <c>query</c> and <c>value</c>.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning Targets(params string[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        Options.Lora.TargetModules = [.. modules];
        return this;
    }

    /// <summary>Sets the adapters' rank.</summary>
    /// <param name="rank">The rank r.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning Rank(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        Options.Lora.Rank = rank;
        return this;
    }

    /// <summary>Sets the adapters' alpha (the scaling is alpha / r).</summary>
    /// <param name="alpha">The alpha.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning Alpha(double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        Options.Lora.Alpha = alpha;
        return this;
    }

    /// <summary>Sets the dropout on the adapters' input.</summary>
    /// <param name="probability">The probability, in [0, 1).</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning Dropout(double probability)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(probability);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(probability, 1.0);
        Options.Lora.Dropout = probability;
        return this;
    }

    /// <summary>Trains on the reads of a source, with each read's taxonomy in a metadata key (a validation source
    /// given with <c>Validation</c> is read with the same key).</summary>
    /// <param name="train">The training reads (a FASTA or Parquet source, for example).</param>
    /// <param name="labelColumn">The metadata key holding <c>k;p;c;o;f;g;s</c> (FASTA: <c>description</c>).</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning OnTaxonomy(IChunkSource<SequenceRecord> train, string labelColumn = LabelledSequenceReaderOptions.FastaDescriptionKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumn);
        _labelColumn = labelColumn;
        SetTrainingInput(train);
        return this;
    }

    /// <summary>Trains on labelled reads in memory.</summary>
    /// <param name="train">The training reads.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning OnTaxonomy(IEnumerable<LabelledSequence> train)
    {
        SetTrainingInput(train);
        return this;
    }

    /// <inheritdoc />
    /// <exception cref="LabelledSequenceException">A read of the source has no taxonomy; the message names it.</exception>
    private protected override async Task<IReadOnlyList<LabelledSequence>> ReadSourceAsync(IChunkSource<SequenceRecord> source, CancellationToken cancellationToken)
    {
        var reader = new LabelledSequenceReader(source, new LabelledSequenceReaderOptions { TaxonomyKey = _labelColumn });
        return await reader.ReadAllAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    private protected override (IReadOnlyList<LabelledSequence> Train, IReadOnlyList<LabelledSequence> Validation) Split(IReadOnlyList<LabelledSequence> reads) =>
        new LabelledSequenceSplit(Options.ValidationFraction, Options.Seed).Split(reads);

    /// <inheritdoc />
    private protected override LoraFineTuningResult Train(
        IReadOnlyList<LabelledSequence> trainReads,
        IReadOnlyList<LabelledSequence> validationReads,
        string directory,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var logger = Services.LoggerFactory.CreateLogger<LoraFineTuning>();
        var labels = TaxonomyLabels.Build(trainReads.Select(r => r.Taxonomy));
        var tokenizer = RunPreparation.Tokenizer(Model);
        var maxTokens = RunPreparation.MaxTokens(Model, Options);
        var sizing = new BatchSizing(Options.BatchSize, Options.BatchTokens);
        var trainData = new TrainingDataSet(
            TrainingDataSet.Tokenize(trainReads.Select(r => (r.Id, r.Sequence, (long[]?)labels.Encode(r.Taxonomy))), tokenizer, maxTokens, "training input"),
            sizing,
            Options.Seed,
            tokenizer.PadTokenId);
        var validationData = validationReads.Count == 0
            ? null
            : new TrainingDataSet(
                TrainingDataSet.Tokenize(validationReads.Select(r => (r.Id, r.Sequence, (long[]?)labels.Encode(r.Taxonomy))), tokenizer, maxTokens, "validation input"),
                sizing,
                Options.Seed,
                tokenizer.PadTokenId);

        RunPreparation.ConfigureModel(Model, Options, logger);
        var adapter = LoraAdapter.Inject(Model, Options.Lora, Options.Seed);
        TaxonomyHead? head = null;
        try
        {
            head = new TaxonomyHead(labels, Model.Config.HiddenSize, Options.HeadDropout, Options.Seed);
            head.to(Model.Device);
            var task = new TaxonomyFineTuningTask(Model, adapter, head, Options.RankWeights, [.. validationReads.Select(r => r.Taxonomy)]);
            var fingerprint = RunPreparation.Fingerprint(Model, Options, trainData, validationData)
                .Add("Lora.Rank", Options.Lora.Rank)
                .Add("Lora.Alpha", Options.Lora.Alpha)
                .Add("Lora.Dropout", Options.Lora.Dropout)
                .Add("Lora.UseRsLora", Options.Lora.UseRsLora)
                .Add("Lora.TargetModules", adapter.TargetedModules)
                .Add(nameof(Options.RankWeights), Options.RankWeights.ToArray())
                .Add(nameof(Options.HeadDropout), Options.HeadDropout);
            var checkpoints = new CheckpointDirectory(directory);
            var telemetry = new TrainingTelemetry(task.Kind, Model.Name, Services.MeterFactory);
            var loop = new TrainingLoop(task, Options, trainData, validationData, checkpoints, fingerprint, logger, telemetry, Services.Time, Model.Name);
            var outcome = loop.Run(progress, Services.AfterStep, cancellationToken);

            if (Options.RestoreBestAtEnd && outcome.BestCheckpoint is { } best)
            {
                TrainableWeights.Load(task.TrainableParameters, Path.Combine(best, TrainableWeights.FileName));
            }

            task.SaveArtifacts(checkpoints.Root);
            Log.TrainingCompleted(logger, task.Kind, Model.Name, outcome.State.Step, checkpoints.Root);
            var result = new TrainingResult(
                outcome.State.Step,
                outcome.State.StoppedEarly,
                [.. outcome.State.History.Select(EpochSummary.From)],
                outcome.State.BestEpoch,
                outcome.State.BestMetric,
                checkpoints.Root,
                outcome.LatestCheckpoint,
                outcome.BestCheckpoint);
            return new LoraFineTuningResult(result, adapter, head);
        }
        catch
        {
            head?.Dispose();
            adapter.Dispose();
            throw;
        }
    }
}
