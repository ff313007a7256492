using System.Diagnostics.Metrics;
using Connectomics.Chunks;
using Connectomics.Gpu.Models;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Pretraining;
using Connectomics.Sequences;
using Microsoft.Extensions.Logging;

namespace Connectomics.Lora.Training;

/// <summary>
/// The entry point of masked-LM pre-training, from scratch (a model from a preset or configuration) or continued (a
/// loaded checkpoint), for example <c>MaskedLmPretraining.For(model).On(reads).Epochs(2).CheckpointTo(dir).RunAsync()</c>.
/// The model is saved in the Hugging Face layout in the checkpoint directory at the end.
/// </summary>
/// <remarks>
/// A builder is single-use and not thread-safe. The masked-LM head is added when the model has none. With
/// <see cref="MaskedLmPretrainingOptions.Lora"/> set, only adapters train, and they are merged into the saved model.
/// When the directory holds checkpoints of the same run, the run resumes from the newest one; on CPU it reaches
/// bit-identical weights, provided nothing else in the process draws from torch's global generator meanwhile.
/// </remarks>
public sealed class MaskedLmPretraining
{
    private readonly NucleotideTransformerModel _model;
    private readonly TrainerServices _services = new();
    private Func<CancellationToken, Task<IReadOnlyList<SequenceRecord>>>? _train;
    private Func<CancellationToken, Task<IReadOnlyList<SequenceRecord>>>? _validation;
    private string? _checkpointDirectory;
    private bool _used;

    private MaskedLmPretraining(NucleotideTransformerModel model, MaskedLmPretrainingOptions options)
    {
        _model = model;
        Options = options;
    }

    /// <summary>Gets the options; the fluent methods set them, and <see cref="Configure"/> reaches the rest.</summary>
    public MaskedLmPretrainingOptions Options { get; }

    /// <summary>Starts pre-training a model.</summary>
    /// <param name="model">The model; it is trained in place.</param>
    /// <returns>The builder.</returns>
    public static MaskedLmPretraining For(NucleotideTransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new MaskedLmPretraining(model, new MaskedLmPretrainingOptions());
    }

    /// <summary>Starts a run with options and services from a container.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The options (a fresh instance the builder owns).</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    internal static MaskedLmPretraining For(NucleotideTransformerModel model, MaskedLmPretrainingOptions options, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(model);
        var builder = new MaskedLmPretraining(model, options);
        builder._services.LoggerFactory = loggerFactory ?? builder._services.LoggerFactory;
        builder._services.MeterFactory = meterFactory;
        builder._services.Time = timeProvider ?? builder._services.Time;
        return builder;
    }

    /// <summary>Trains on the reads of a source.</summary>
    /// <param name="reads">The reads.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining On(IChunkSource<SequenceRecord> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        _train = async ct => await TrainingReads.ReadAllAsync(reads, ct).ConfigureAwait(false);
        return this;
    }

    /// <summary>Trains on reads in memory.</summary>
    /// <param name="reads">The reads.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining On(IEnumerable<SequenceRecord> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        IReadOnlyList<SequenceRecord> list = [.. reads];
        _train = _ => Task.FromResult(list);
        return this;
    }

    /// <summary>Validates on the reads of a separate source instead of a seeded split.</summary>
    /// <param name="validation">The validation reads.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining Validation(IChunkSource<SequenceRecord> validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        _validation = async ct => await TrainingReads.ReadAllAsync(validation, ct).ConfigureAwait(false);
        return this;
    }

    /// <summary>Validates on reads in memory instead of a seeded split.</summary>
    /// <param name="validation">The validation reads.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining Validation(IEnumerable<SequenceRecord> validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        IReadOnlyList<SequenceRecord> list = [.. validation];
        _validation = _ => Task.FromResult(list);
        return this;
    }

    /// <summary>Sets the number of epochs.</summary>
    /// <param name="epochs">The epochs.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining Epochs(int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        Options.Epochs = epochs;
        return this;
    }

    /// <summary>Trains for a number of optimizer steps, however many epochs that takes (the schedule spans this
    /// many steps): sets <see cref="TrainingOptions.MaxSteps"/> and lifts <see cref="TrainingOptions.Epochs"/>.</summary>
    /// <param name="steps">The steps.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining Steps(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Options.MaxSteps = steps;
        Options.Epochs = Math.Max(Options.Epochs, 1_000_000);
        return this;
    }

    /// <summary>Sets the directory of checkpoints and the final model.</summary>
    /// <param name="directory">The directory; created if missing.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining CheckpointTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _checkpointDirectory = directory;
        return this;
    }

    /// <summary>Sets any other option.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining Configure(Action<MaskedLmPretrainingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>Sets the logger factory.</summary>
    /// <param name="loggerFactory">The factory.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _services.LoggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Sets the meter factory the <c>Connectomics.Lora</c> meter comes from.</summary>
    /// <param name="meterFactory">The factory.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining WithMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _services.MeterFactory = meterFactory;
        return this;
    }

    /// <summary>Sets the clock used for throughput.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining WithTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _services.Time = timeProvider;
        return this;
    }

    /// <summary>Sets a hook called after every optimizer step, with the step count.</summary>
    /// <param name="afterStep">The hook.</param>
    /// <returns>The builder.</returns>
    internal MaskedLmPretraining AfterStep(Action<long> afterStep)
    {
        _services.AfterStep = afterStep;
        return this;
    }

    /// <summary>Runs (or resumes) the pre-training and saves the model in the Hugging Face layout in the checkpoint
    /// directory.</summary>
    /// <param name="progress">Receives progress after every optimizer step, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run at the next step boundary; the newest checkpoint stays valid.</param>
    /// <returns>The result.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">No input or checkpoint directory was given, or the builder was used already.</exception>
    /// <exception cref="CheckpointMismatchException">The checkpoint directory holds a run with other settings or data.</exception>
    public async Task<TrainingResult> RunAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_used)
        {
            throw new InvalidOperationException("This builder has run already; start a new one with MaskedLmPretraining.For.");
        }

        Options.Validate();
        var train = _train ?? throw new InvalidOperationException("No training input: call On first.");
        var directory = _checkpointDirectory ?? throw new InvalidOperationException("No checkpoint directory: call CheckpointTo first.");
        _used = true;

        IReadOnlyList<SequenceRecord> trainReads = await train(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SequenceRecord> validationReads;
        if (_validation is not null)
        {
            validationReads = await _validation(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            (var kept, var held) = TrainingReads.Split(trainReads, Options.ValidationFraction, Options.Seed);
            (trainReads, validationReads) = (kept, held);
        }

        return await Task.Run(() => Train(trainReads, validationReads, directory, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private TrainingResult Train(
        IReadOnlyList<SequenceRecord> trainReads, IReadOnlyList<SequenceRecord> validationReads, string directory, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var logger = _services.LoggerFactory.CreateLogger<MaskedLmPretraining>();
        if (trainReads.Count == 0)
        {
            throw new InvalidOperationException("The training input holds no reads.");
        }

        if (validationReads.Count == 0 && Options.EarlyStoppingPatience is not null)
        {
            throw new InvalidOperationException(
                $"{nameof(TrainingOptions.EarlyStoppingPatience)} is set but there are no validation reads: give a validation input or a {nameof(TrainingOptions.ValidationFraction)} above 0.");
        }

        var tokenizer = RunPreparation.Tokenizer(_model);
        var maxTokens = RunPreparation.MaxTokens(_model, Options);
        var sizing = new BatchSizing(Options.BatchSize, Options.BatchTokens);
        var trainData = new TrainingDataSet(
            TrainingDataSet.Tokenize(trainReads.Select(r => (r.Id, r.Sequence, (long[]?)null)), tokenizer, maxTokens, "training input"), sizing, Options.Seed, tokenizer.PadTokenId);
        var validationData = validationReads.Count == 0
            ? null
            : new TrainingDataSet(
                TrainingDataSet.Tokenize(validationReads.Select(r => (r.Id, r.Sequence, (long[]?)null)), tokenizer, maxTokens, "validation input"), sizing, Options.Seed, tokenizer.PadTokenId);

        RunPreparation.ConfigureModel(_model, Options, logger);
        _model.AddLanguageModelHead(Options.Seed);
        var adapter = Options.Lora is null ? null : LoraAdapter.Inject(_model, Options.Lora, Options.Seed);
        try
        {
            if (adapter is null)
            {
                foreach (var parameter in _model.Module.parameters())
                {
                    parameter.requires_grad = true;
                }
            }

            using var sampler = new MaskedTokenSampler(_model.Vocabulary, Options.Masking, Options.Seed);
            var task = new MaskedLmTask(_model, adapter, sampler, Options.Masking, unchecked(Options.Seed + 1));
            var fingerprint = RunPreparation.Fingerprint(_model, Options, trainData, validationData)
                .Add("Masking.SelectionProbability", Options.Masking.SelectionProbability)
                .Add("Masking.MaskReplacementProbability", Options.Masking.MaskReplacementProbability)
                .Add("Masking.RandomReplacementProbability", Options.Masking.RandomReplacementProbability)
                .Add("Lora.Rank", Options.Lora?.Rank)
                .Add("Lora.Alpha", Options.Lora?.Alpha)
                .Add("Lora.Dropout", Options.Lora?.Dropout)
                .Add("Lora.TargetModules", adapter?.TargetedModules);
            var checkpoints = new CheckpointDirectory(directory);
            var telemetry = new TrainingTelemetry(task.Kind, _model.Name, _services.MeterFactory);
            var loop = new TrainingLoop(task, Options, trainData, validationData, checkpoints, fingerprint, logger, telemetry, _services.Time, _model.Name);
            var outcome = loop.Run(progress, _services.AfterStep, cancellationToken);

            if (adapter is not null)
            {
                adapter.MergeAndUnload();
            }

            _model.SavePretrained(checkpoints.Root);
            Log.TrainingCompleted(logger, task.Kind, _model.Name, outcome.State.Step, checkpoints.Root);
            return new TrainingResult(
                outcome.State.Step,
                outcome.State.StoppedEarly,
                [.. outcome.State.History.Select(EpochSummary.From)],
                outcome.State.BestEpoch,
                outcome.State.BestMetric,
                checkpoints.Root,
                outcome.LatestCheckpoint,
                outcome.BestCheckpoint);
        }
        finally
        {
            adapter?.Dispose();
        }
    }
}
