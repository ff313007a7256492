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
/// A builder is single-use and not thread-safe. <see cref="RunAsync"/> injects adapters into the model (which the
/// result's adapter then owns), trains them and a head, and writes the final adapter and head to the checkpoint
/// directory; when that directory holds checkpoints of the same run, the run resumes from the newest one. On CPU a
/// resumed run reaches bit-identical weights to an uninterrupted one, provided nothing else in the process draws from
/// torch's global generator (which dropout uses) while it trains.
/// </remarks>
public sealed class LoraFineTuning
{
    private readonly NucleotideTransformerModel _model;
    private readonly TrainerServices _services = new();
    private Func<CancellationToken, Task<IReadOnlyList<LabelledSequence>>>? _train;
    private Func<CancellationToken, Task<IReadOnlyList<LabelledSequence>>>? _validation;
    private string _labelColumn = "description";
    private string? _checkpointDirectory;
    private bool _used;

    private LoraFineTuning(NucleotideTransformerModel model, LoraFineTuningOptions options)
    {
        _model = model;
        Options = options;
    }

    /// <summary>Gets the options; the fluent methods set them, and <see cref="Configure"/> reaches the rest.</summary>
    public LoraFineTuningOptions Options { get; }

    /// <summary>Starts fine-tuning a model.</summary>
    /// <param name="model">The encoder; its base weights stay frozen.</param>
    /// <returns>The builder.</returns>
    public static LoraFineTuning For(NucleotideTransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new LoraFineTuning(model, new LoraFineTuningOptions());
    }

    /// <summary>Starts a run with options and services from a container.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The options (a fresh instance the builder owns).</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    internal static LoraFineTuning For(NucleotideTransformerModel model, LoraFineTuningOptions options, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(model);
        var builder = new LoraFineTuning(model, options);
        builder._services.LoggerFactory = loggerFactory ?? builder._services.LoggerFactory;
        builder._services.MeterFactory = meterFactory;
        builder._services.Time = timeProvider ?? builder._services.Time;
        return builder;
    }

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

    /// <summary>Trains on the reads of a source, with each read's taxonomy in a metadata key.</summary>
    /// <param name="train">The training reads (a FASTA or Parquet source, for example).</param>
    /// <param name="labelColumn">The metadata key holding <c>k;p;c;o;f;g;s</c> (FASTA: <c>description</c>).</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning OnTaxonomy(IChunkSource<SequenceRecord> train, string labelColumn = LabelledSequenceReaderOptions.FastaDescriptionKey)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumn);
        _labelColumn = labelColumn;
        _train = ct => ReadLabelledAsync(train, ct);
        return this;
    }

    /// <summary>Trains on labelled reads in memory.</summary>
    /// <param name="train">The training reads.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning OnTaxonomy(IEnumerable<LabelledSequence> train)
    {
        ArgumentNullException.ThrowIfNull(train);
        IReadOnlyList<LabelledSequence> reads = [.. train];
        _train = _ => Task.FromResult(reads);
        return this;
    }

    /// <summary>Validates on the reads of a separate source (taxonomy in the training input's label column) instead of
    /// a seeded split.</summary>
    /// <param name="validation">The validation reads.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning Validation(IChunkSource<SequenceRecord> validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        _validation = ct => ReadLabelledAsync(validation, ct);
        return this;
    }

    /// <summary>Validates on labelled reads in memory instead of a seeded split.</summary>
    /// <param name="validation">The validation reads.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning Validation(IEnumerable<LabelledSequence> validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        IReadOnlyList<LabelledSequence> reads = [.. validation];
        _validation = _ => Task.FromResult(reads);
        return this;
    }

    /// <summary>Sets the number of epochs.</summary>
    /// <param name="epochs">The epochs.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning Epochs(int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        Options.Epochs = epochs;
        return this;
    }

    /// <summary>Sets the directory of checkpoints and final output.</summary>
    /// <param name="directory">The directory; created if missing.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning CheckpointTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _checkpointDirectory = directory;
        return this;
    }

    /// <summary>Sets any other option.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning Configure(Action<LoraFineTuningOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>Sets the logger factory.</summary>
    /// <param name="loggerFactory">The factory.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _services.LoggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Sets the meter factory the <c>Connectomics.Lora</c> meter comes from.</summary>
    /// <param name="meterFactory">The factory.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning WithMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _services.MeterFactory = meterFactory;
        return this;
    }

    /// <summary>Sets the clock used for throughput.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The builder.</returns>
    public LoraFineTuning WithTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _services.Time = timeProvider;
        return this;
    }

    /// <summary>Sets a hook called after every optimizer step, with the step count.</summary>
    /// <param name="afterStep">The hook.</param>
    /// <returns>The builder.</returns>
    internal LoraFineTuning AfterStep(Action<long> afterStep)
    {
        _services.AfterStep = afterStep;
        return this;
    }

    /// <summary>Runs (or resumes) the fine-tuning.</summary>
    /// <param name="progress">Receives progress after every optimizer step, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run at the next step boundary; the newest checkpoint stays valid.</param>
    /// <returns>The result.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">No training input or checkpoint directory was given, or the builder
    /// was used already.</exception>
    /// <exception cref="CheckpointMismatchException">The checkpoint directory holds a run with other settings or data.</exception>
    /// <exception cref="LabelledSequenceException">A read of a source has no taxonomy; the message names it.</exception>
    public async Task<LoraFineTuningResult> RunAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_used)
        {
            throw new InvalidOperationException("This builder has run already; start a new one with LoraFineTuning.For.");
        }

        Options.Validate();
        var train = _train ?? throw new InvalidOperationException("No training input: call OnTaxonomy first.");
        var directory = _checkpointDirectory ?? throw new InvalidOperationException("No checkpoint directory: call CheckpointTo first.");
        _used = true;

        var trainReads = await train(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<LabelledSequence> validationReads;
        if (_validation is not null)
        {
            validationReads = await _validation(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            (trainReads, validationReads) = new LabelledSequenceSplit(Options.ValidationFraction, Options.Seed).Split(trainReads);
        }

        return await Task.Run(() => Train(trainReads, validationReads, directory, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<LabelledSequence>> ReadLabelledAsync(IChunkSource<SequenceRecord> source, CancellationToken cancellationToken)
    {
        var reader = new LabelledSequenceReader(source, new LabelledSequenceReaderOptions { TaxonomyKey = _labelColumn });
        return await reader.ReadAllAsync(cancellationToken).ConfigureAwait(false);
    }

    private LoraFineTuningResult Train(
        IReadOnlyList<LabelledSequence> trainReads,
        IReadOnlyList<LabelledSequence> validationReads,
        string directory,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        var logger = _services.LoggerFactory.CreateLogger<LoraFineTuning>();
        if (trainReads.Count == 0)
        {
            throw new InvalidOperationException("The training input holds no reads.");
        }

        if (validationReads.Count == 0 && Options.EarlyStoppingPatience is not null)
        {
            throw new InvalidOperationException(
                $"{nameof(TrainingOptions.EarlyStoppingPatience)} is set but there are no validation reads: give a validation input or a {nameof(TrainingOptions.ValidationFraction)} above 0.");
        }

        var labels = TaxonomyLabels.Build(trainReads.Select(r => r.Taxonomy));
        var tokenizer = RunPreparation.Tokenizer(_model);
        var maxTokens = RunPreparation.MaxTokens(_model, Options);
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

        RunPreparation.ConfigureModel(_model, Options, logger);
        var adapter = LoraAdapter.Inject(_model, Options.Lora, Options.Seed);
        TaxonomyHead? head = null;
        try
        {
            head = new TaxonomyHead(labels, _model.Config.HiddenSize, Options.HeadDropout, Options.Seed);
            head.to(_model.Device);
            var task = new TaxonomyFineTuningTask(_model, adapter, head, Options.RankWeights, [.. validationReads.Select(r => r.Taxonomy)]);
            var fingerprint = RunPreparation.Fingerprint(_model, Options, trainData, validationData)
                .Add("Lora.Rank", Options.Lora.Rank)
                .Add("Lora.Alpha", Options.Lora.Alpha)
                .Add("Lora.Dropout", Options.Lora.Dropout)
                .Add("Lora.UseRsLora", Options.Lora.UseRsLora)
                .Add("Lora.TargetModules", adapter.TargetedModules)
                .Add(nameof(Options.RankWeights), Options.RankWeights.ToArray())
                .Add(nameof(Options.HeadDropout), Options.HeadDropout);
            var checkpoints = new CheckpointDirectory(directory);
            var telemetry = new TrainingTelemetry(task.Kind, _model.Name, _services.MeterFactory);
            var loop = new TrainingLoop(task, Options, trainData, validationData, checkpoints, fingerprint, logger, telemetry, _services.Time, _model.Name);
            var outcome = loop.Run(progress, _services.AfterStep, cancellationToken);

            if (Options.RestoreBestAtEnd && outcome.BestCheckpoint is { } best)
            {
                TrainableWeights.Load(task.TrainableParameters, Path.Combine(best, TrainableWeights.FileName));
            }

            task.SaveArtifacts(checkpoints.Root);
            Log.TrainingCompleted(logger, task.Kind, _model.Name, outcome.State.Step, checkpoints.Root);
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
