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
public sealed class MaskedLmPretraining : TrainingBuilder<MaskedLmPretraining, MaskedLmPretrainingOptions, SequenceRecord, TrainingResult>
{
    private MaskedLmPretraining(NucleotideTransformerModel model, MaskedLmPretrainingOptions options)
        : base(model, options)
    {
    }

    /// <inheritdoc />
    private protected override string TrainingInputMethod => nameof(On);

    /// <inheritdoc />
    private protected override void ValidateOptions() => Options.Validate();

    /// <summary>Starts pre-training a model.</summary>
    /// <param name="model">The model; it is trained in place.</param>
    /// <returns>The builder.</returns>
    public static MaskedLmPretraining For(NucleotideTransformerModel model) => new(model, new MaskedLmPretrainingOptions());

    /// <summary>Starts a run with options and services from a container.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The options (a fresh instance the builder owns).</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    internal static MaskedLmPretraining For(NucleotideTransformerModel model, MaskedLmPretrainingOptions options, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider? timeProvider) =>
        new MaskedLmPretraining(model, options).UseServices(loggerFactory, meterFactory, timeProvider);

    /// <summary>Trains on the reads of a source.</summary>
    /// <param name="reads">The reads.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining On(IChunkSource<SequenceRecord> reads)
    {
        SetTrainingInput(reads);
        return this;
    }

    /// <summary>Trains on reads in memory.</summary>
    /// <param name="reads">The reads.</param>
    /// <returns>The builder.</returns>
    public MaskedLmPretraining On(IEnumerable<SequenceRecord> reads)
    {
        SetTrainingInput(reads);
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

    /// <inheritdoc />
    private protected override async Task<IReadOnlyList<SequenceRecord>> ReadSourceAsync(IChunkSource<SequenceRecord> source, CancellationToken cancellationToken) =>
        await TrainingReads.ReadAllAsync(source, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    private protected override (IReadOnlyList<SequenceRecord> Train, IReadOnlyList<SequenceRecord> Validation) Split(IReadOnlyList<SequenceRecord> reads)
    {
        var (kept, held) = TrainingReads.Split(reads, Options.ValidationFraction, Options.Seed);
        return (kept, held);
    }

    /// <inheritdoc />
    private protected override TrainingResult Train(
        IReadOnlyList<SequenceRecord> trainReads, IReadOnlyList<SequenceRecord> validationReads, string directory, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var logger = Services.LoggerFactory.CreateLogger<MaskedLmPretraining>();

        var tokenizer = RunPreparation.Tokenizer(Model);
        var maxTokens = RunPreparation.MaxTokens(Model, Options);
        var sizing = new BatchSizing(Options.BatchSize, Options.BatchTokens);
        var trainData = new TrainingDataSet(
            TrainingDataSet.Tokenize(trainReads.Select(r => (r.Id, r.Sequence, (long[]?)null)), tokenizer, maxTokens, "training input"), sizing, Options.Seed, tokenizer.PadTokenId);
        var validationData = validationReads.Count == 0
            ? null
            : new TrainingDataSet(
                TrainingDataSet.Tokenize(validationReads.Select(r => (r.Id, r.Sequence, (long[]?)null)), tokenizer, maxTokens, "validation input"), sizing, Options.Seed, tokenizer.PadTokenId);

        RunPreparation.ConfigureModel(Model, Options, logger);
        Model.AddLanguageModelHead(Options.Seed);
        var adapter = Options.Lora is null ? null : LoraAdapter.Inject(Model, Options.Lora, Options.Seed);
        try
        {
            if (adapter is null)
            {
                foreach (var parameter in Model.Module.parameters())
                {
                    parameter.requires_grad = true;
                }
            }

            using var sampler = new MaskedTokenSampler(Model.Vocabulary, Options.Masking, Options.Seed);
            var task = new MaskedLmTask(Model, adapter, sampler, Options.Masking, unchecked(Options.Seed + 1));
            var fingerprint = RunPreparation.Fingerprint(Model, Options, trainData, validationData)
                .Add("Masking.SelectionProbability", Options.Masking.SelectionProbability)
                .Add("Masking.MaskReplacementProbability", Options.Masking.MaskReplacementProbability)
                .Add("Masking.RandomReplacementProbability", Options.Masking.RandomReplacementProbability)
                .Add("Lora.Rank", Options.Lora?.Rank)
                .Add("Lora.Alpha", Options.Lora?.Alpha)
                .Add("Lora.Dropout", Options.Lora?.Dropout)
                .Add("Lora.TargetModules", adapter?.TargetedModules);
            var checkpoints = new CheckpointDirectory(directory);
            var telemetry = new TrainingTelemetry(task.Kind, Model.Name, Services.MeterFactory);
            var loop = new TrainingLoop(task, Options, trainData, validationData, checkpoints, fingerprint, logger, telemetry, Services.Time, Model.Name);
            var outcome = loop.Run(progress, Services.AfterStep, cancellationToken);

            if (adapter is not null)
            {
                adapter.MergeAndUnload();
            }

            Model.SavePretrained(checkpoints.Root);
            Log.TrainingCompleted(logger, task.Kind, Model.Name, outcome.State.Step, checkpoints.Root);
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
