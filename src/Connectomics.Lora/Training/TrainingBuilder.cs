using System.Diagnostics.Metrics;
using Connectomics.Chunks;
using Connectomics.Gpu.Models;
using Connectomics.Sequences;
using Microsoft.Extensions.Logging;

namespace Connectomics.Lora.Training;

/// <summary>
/// What the fluent entry points of training share (<see cref="LoraFineTuning"/>, <see cref="MaskedLmPretraining"/>):
/// the training and validation inputs, epochs, the checkpoint directory, options, logging, metrics and the clock, and
/// <see cref="RunAsync"/>, which reads the inputs, splits off validation reads when none were given, and trains.
/// </summary>
/// <typeparam name="TBuilder">The concrete builder, which the fluent methods return.</typeparam>
/// <typeparam name="TOptions">The builder's options.</typeparam>
/// <typeparam name="TRead">The reads it trains on.</typeparam>
/// <typeparam name="TResult">What a run returns.</typeparam>
/// <remarks>A builder is single-use and not thread-safe.</remarks>
public abstract class TrainingBuilder<TBuilder, TOptions, TRead, TResult>
    where TBuilder : TrainingBuilder<TBuilder, TOptions, TRead, TResult>
    where TOptions : TrainingOptions
{
    private Func<CancellationToken, Task<IReadOnlyList<TRead>>>? _train;
    private Func<CancellationToken, Task<IReadOnlyList<TRead>>>? _validation;
    private string? _checkpointDirectory;
    private bool _used;

    private protected TrainingBuilder(NucleotideTransformerModel model, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options;
    }

    /// <summary>Gets the options; the fluent methods set them, and <see cref="Configure"/> reaches the rest.</summary>
    public TOptions Options { get; }

    /// <summary>Gets the model being trained.</summary>
    private protected NucleotideTransformerModel Model { get; }

    /// <summary>Gets the logger factory, meter factory, clock and step hook.</summary>
    private protected TrainerServices Services { get; } = new();

    /// <summary>Gets the name of the method that sets the training input, for error messages.</summary>
    private protected abstract string TrainingInputMethod { get; }

    private TBuilder Self => (TBuilder)this;

    /// <summary>Validates on the reads of a separate source instead of a seeded split.</summary>
    /// <param name="validation">The validation reads.</param>
    /// <returns>The builder.</returns>
    public TBuilder Validation(IChunkSource<SequenceRecord> validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        _validation = ct => ReadSourceAsync(validation, ct);
        return Self;
    }

    /// <summary>Validates on reads in memory instead of a seeded split.</summary>
    /// <param name="validation">The validation reads.</param>
    /// <returns>The builder.</returns>
    public TBuilder Validation(IEnumerable<TRead> validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        IReadOnlyList<TRead> reads = [.. validation];
        _validation = _ => Task.FromResult(reads);
        return Self;
    }

    /// <summary>Sets the number of epochs.</summary>
    /// <param name="epochs">The epochs.</param>
    /// <returns>The builder.</returns>
    public TBuilder Epochs(int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        Options.Epochs = epochs;
        return Self;
    }

    /// <summary>Sets the directory of checkpoints and final output.</summary>
    /// <param name="directory">The directory; created if missing.</param>
    /// <returns>The builder.</returns>
    public TBuilder CheckpointTo(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _checkpointDirectory = directory;
        return Self;
    }

    /// <summary>Sets any other option.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public TBuilder Configure(Action<TOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return Self;
    }

    /// <summary>Sets the logger factory.</summary>
    /// <param name="loggerFactory">The factory.</param>
    /// <returns>The builder.</returns>
    public TBuilder WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Services.LoggerFactory = loggerFactory;
        return Self;
    }

    /// <summary>Sets the meter factory the <c>Connectomics.Lora</c> meter comes from.</summary>
    /// <param name="meterFactory">The factory.</param>
    /// <returns>The builder.</returns>
    public TBuilder WithMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Services.MeterFactory = meterFactory;
        return Self;
    }

    /// <summary>Sets the clock used for throughput.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The builder.</returns>
    public TBuilder WithTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        Services.Time = timeProvider;
        return Self;
    }

    /// <summary>Runs (or resumes) the training and writes its final output to the checkpoint directory.</summary>
    /// <param name="progress">Receives progress after every optimizer step, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run at the next step boundary; the newest checkpoint stays valid.</param>
    /// <returns>The result.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">No training input or checkpoint directory was given, the input holds
    /// no reads, or the builder was used already.</exception>
    /// <exception cref="CheckpointMismatchException">The checkpoint directory holds a run with other settings or data.</exception>
    public async Task<TResult> RunAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_used)
        {
            throw new InvalidOperationException($"This builder has run already; start a new one with {typeof(TBuilder).Name}.For.");
        }

        ValidateOptions();
        var train = _train ?? throw new InvalidOperationException($"No training input: call {TrainingInputMethod} first.");
        var directory = _checkpointDirectory ?? throw new InvalidOperationException("No checkpoint directory: call CheckpointTo first.");
        _used = true;

        var trainReads = await train(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<TRead> validationReads;
        if (_validation is not null)
        {
            validationReads = await _validation(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            (trainReads, validationReads) = Split(trainReads);
        }

        if (trainReads.Count == 0)
        {
            throw new InvalidOperationException("The training input holds no reads.");
        }

        if (validationReads.Count == 0 && Options.EarlyStoppingPatience is not null)
        {
            throw new InvalidOperationException(
                $"{nameof(TrainingOptions.EarlyStoppingPatience)} is set but there are no validation reads: give a validation input or a {nameof(TrainingOptions.ValidationFraction)} above 0.");
        }

        return await Task.Run(() => Train(trainReads, validationReads, directory, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a hook called after every optimizer step, with the step count.</summary>
    /// <param name="afterStep">The hook.</param>
    /// <returns>The builder.</returns>
    internal TBuilder AfterStep(Action<long> afterStep)
    {
        Services.AfterStep = afterStep;
        return Self;
    }

    /// <summary>Takes the services of a container; <see langword="null"/> keeps the default.</summary>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    internal TBuilder UseServices(ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider? timeProvider)
    {
        Services.LoggerFactory = loggerFactory ?? Services.LoggerFactory;
        Services.MeterFactory = meterFactory;
        Services.Time = timeProvider ?? Services.Time;
        return Self;
    }

    /// <summary>Trains on the reads of a source.</summary>
    /// <param name="train">The source.</param>
    private protected void SetTrainingInput(IChunkSource<SequenceRecord> train)
    {
        ArgumentNullException.ThrowIfNull(train);
        _train = ct => ReadSourceAsync(train, ct);
    }

    /// <summary>Trains on reads in memory.</summary>
    /// <param name="train">The reads.</param>
    private protected void SetTrainingInput(IEnumerable<TRead> train)
    {
        ArgumentNullException.ThrowIfNull(train);
        IReadOnlyList<TRead> reads = [.. train];
        _train = _ => Task.FromResult(reads);
    }

    /// <summary>Validates <see cref="Options"/>, naming every problem.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid.</exception>
    private protected abstract void ValidateOptions();

    /// <summary>Reads every read of a source.</summary>
    /// <param name="source">The source.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The reads.</returns>
    private protected abstract Task<IReadOnlyList<TRead>> ReadSourceAsync(IChunkSource<SequenceRecord> source, CancellationToken cancellationToken);

    /// <summary>Holds out validation reads by the seeded split of <see cref="TrainingOptions.ValidationFraction"/>.</summary>
    /// <param name="reads">The training input.</param>
    /// <returns>The reads kept for training and those held out.</returns>
    private protected abstract (IReadOnlyList<TRead> Train, IReadOnlyList<TRead> Validation) Split(IReadOnlyList<TRead> reads);

    /// <summary>Trains on the prepared inputs (on a worker thread).</summary>
    /// <param name="trainReads">The training reads (at least one).</param>
    /// <param name="validationReads">The validation reads (possibly none).</param>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="progress">The progress sink, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run at the next step boundary.</param>
    /// <returns>The result.</returns>
    private protected abstract TResult Train(
        IReadOnlyList<TRead> trainReads, IReadOnlyList<TRead> validationReads, string directory, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken);
}
