using System.Globalization;
using Connectomics.Lora.Optimization;
using Connectomics.TorchScalars;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Training;

/// <summary>
/// The optimisation loop both trainers share: seeded batches by data position, gradient accumulation, global-norm
/// clipping (the pre-clip norm logged), AdamW with linear warm-up and cosine decay, per-epoch validation with best
/// checkpoint and early stopping, checkpoints every N steps and at epoch ends, and resume from the newest checkpoint
/// to bit-identical weights on CPU.
/// </summary>
/// <remarks>
/// Cancellation is observed between optimizer steps, so a cancelled run stops at a step boundary and the newest
/// checkpoint stays valid. Random state restored on resume: torch's global CPU generator (dropout) and the task's own
/// (masking); the order of the data is a pure function of the seed and the epoch. CUDA generators are not saved
/// (TorchSharp exposes no way to read them), so on CUDA a resume is exact only without dropout. Dropout draws from the
/// process-wide generator: a resume is bit-identical when nothing else in the process draws from it during the run.
/// </remarks>
internal sealed class TrainingLoop
{
    private const string OptimizerFileName = "optimizer.safetensors";

    private readonly ITrainingTask _task;
    private readonly TrainingOptions _options;
    private readonly TrainingDataSet _train;
    private readonly TrainingDataSet? _validation;
    private readonly CheckpointDirectory _checkpoints;
    private readonly RunFingerprint _fingerprint;
    private readonly ILogger _logger;
    private readonly TrainingTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly string _model;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="task">The task.</param>
    /// <param name="options">The validated options.</param>
    /// <param name="train">The training reads.</param>
    /// <param name="validation">The validation reads, or <see langword="null"/>.</param>
    /// <param name="checkpoints">The run's checkpoint directory.</param>
    /// <param name="fingerprint">The run's settings and data digests.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="telemetry">The metrics.</param>
    /// <param name="time">The clock for throughput.</param>
    /// <param name="model">The model's name, for logs.</param>
    public TrainingLoop(
        ITrainingTask task,
        TrainingOptions options,
        TrainingDataSet train,
        TrainingDataSet? validation,
        CheckpointDirectory checkpoints,
        RunFingerprint fingerprint,
        ILogger logger,
        TrainingTelemetry telemetry,
        TimeProvider time,
        string model)
    {
        _task = task;
        _options = options;
        _train = train;
        _validation = validation;
        _checkpoints = checkpoints;
        _fingerprint = fingerprint;
        _logger = logger;
        _telemetry = telemetry;
        _time = time;
        _model = model;
    }

    /// <summary>Gets the optimizer steps of one epoch.</summary>
    public long StepsPerEpoch(int epoch) =>
        (_train.BatchesOf(epoch).Count + _options.GradientAccumulationSteps - 1) / _options.GradientAccumulationSteps;

    /// <summary>Gets the optimizer steps of the whole run.</summary>
    public long TotalSteps
    {
        get
        {
            long total = 0;
            for (var epoch = 0; epoch < _options.Epochs; epoch++)
            {
                total += StepsPerEpoch(epoch);
                if (_options.MaxSteps is { } cap && total >= cap)
                {
                    return cap;
                }
            }

            return total;
        }
    }

    /// <summary>Runs (or resumes) the loop to the end.</summary>
    /// <param name="progress">Receives progress after every optimizer step, or <see langword="null"/>.</param>
    /// <param name="afterStep">Called after each optimizer step and any checkpoint it wrote (a test hook), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run at the next step boundary.</param>
    /// <returns>The outcome.</returns>
    public TrainingOutcome Run(IProgress<TrainingProgress>? progress, Action<long>? afterStep, CancellationToken cancellationToken)
    {
        var total = TotalSteps;
        var warmup = (long)Math.Ceiling(_options.WarmupFraction * total);
        var schedule = new WarmupCosineSchedule(_options.LearningRate, warmup, total, _options.MinLearningRateRatio);
        var parameters = _task.TrainableParameters;
        var adamOptions = new AdamWOptions { LearningRate = _options.LearningRate, WeightDecay = _options.WeightDecay };
        using var optimizer = new AdamW(ParameterGroups.WithDecay(parameters, _options.WeightDecay), adamOptions);
        var state = new TrainerState { Fingerprint = new SortedDictionary<string, string>(_fingerprint.Entries.ToDictionary(), StringComparer.Ordinal) };
        var latestPath = string.Empty;
        if (_options.ResumeFromLatest && _checkpoints.ReadLatest() is { } latest)
        {
            var differences = _fingerprint.DifferencesFrom(RunFingerprint.From(latest.State.Fingerprint));
            if (differences.Count > 0)
            {
                throw new CheckpointMismatchException(latest.Path, differences);
            }

            state = latest.State;
            latestPath = latest.Path;
            TrainableWeights.Load(parameters, Path.Combine(latest.Path, TrainableWeights.FileName));
            optimizer.LoadState(Path.Combine(latest.Path, OptimizerFileName));
            RestoreRandomState(state);
            Log.Resumed(_logger, latest.Path, state.Step, state.Epoch, state.BatchIndex);
        }
        else
        {
            torch.random.manual_seed(_options.Seed);
            var trainable = parameters.Sum(p => p.Parameter.numel());
            Log.TrainingStarted(_logger, _task.Kind, _model, _train.Count, _validation?.Count ?? 0, _options.Epochs, total, trainable);
        }

        using var events = _options.WriteTensorBoard
            ? Logging.TensorBoardEventWriter.Create(_options.TensorBoardDirectory ?? Path.Combine(_checkpoints.Root, "runs"))
            : null;
        IReadOnlyDictionary<string, double>? lastValidation = state.History.LastOrDefault()?.Validation;
        var grads = parameters.Select(p => p.Parameter).ToList();

        _task.SetTrainingMode(true);
        while (state.Step < total && !state.StoppedEarly)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batches = _train.BatchesOf(state.Epoch);
            var group = Math.Min(_options.GradientAccumulationSteps, batches.Count - state.BatchIndex);
            var started = _time.GetTimestamp();
            optimizer.ZeroGrad();
            double lossSum = 0;
            long tokens = 0;
            for (var i = 0; i < group; i++)
            {
                using var scope = torch.NewDisposeScope();
                using var batch = _train.Collate(batches[state.BatchIndex + i], _task.TrainableParameters[0].Parameter.device);
                var loss = _task.Loss(batch);
                lossSum += loss.item<float>();
                if (group == 1)
                {
                    loss.backward();
                }
                else
                {
                    using var groupSize = group.ToScalar();
                    loss.div(groupSize).backward();
                }
                tokens += batch.TokenCount;
            }

            var norm = GradientClipping.ClipGlobalNorm(grads, _options.MaxGradientNorm ?? double.PositiveInfinity);
            var learningRate = schedule.LearningRateAt(state.Step);
            optimizer.Step(learningRate);
            optimizer.ZeroGrad();
            state.Step++;
            state.SchedulerStep = state.Step;
            state.BatchIndex += group;
            state.Tokens += tokens;
            var meanLoss = lossSum / group;
            state.EpochLossSum += meanLoss;
            state.EpochLossCount++;

            var seconds = Math.Max(_time.GetElapsedTime(started).TotalSeconds, 1e-9);
            var throughput = tokens / seconds;
            _telemetry.RecordStep(tokens, meanLoss, learningRate, norm, throughput);
            Log.StepCompleted(_logger, state.Step, meanLoss, learningRate, norm, throughput);
            if (events is not null)
            {
                events.WriteScalar("train/loss", (float)meanLoss, state.Step);
                events.WriteScalar("train/learning_rate", (float)learningRate, state.Step);
                events.WriteScalar("train/grad_norm", (float)norm, state.Step);
                events.WriteScalar("train/tokens_per_second", (float)throughput, state.Step);
            }

            var endOfEpoch = state.BatchIndex >= batches.Count;
            var endOfRun = state.Step >= total;
            if (endOfEpoch || endOfRun)
            {
                lastValidation = EndEpoch(state, events, advance: endOfEpoch, cancellationToken);
            }

            if (endOfEpoch || endOfRun || state.StoppedEarly
                || (_options.CheckpointEverySteps is { } every && state.Step % every == 0))
            {
                latestPath = WriteCheckpoint(state, optimizer);
            }

            events?.Flush();
            progress?.Report(new TrainingProgress(
                state.Step, total, new DataPosition(state.Epoch, state.BatchIndex), meanLoss, learningRate, norm, throughput, lastValidation));
            afterStep?.Invoke(state.Step);
        }

        _task.SetTrainingMode(false);
        var best = state.BestCheckpoint is null ? null : Path.Combine(_checkpoints.Root, state.BestCheckpoint);
        return new TrainingOutcome(state, latestPath, best, total);
    }

    private IReadOnlyDictionary<string, double>? EndEpoch(TrainerState state, Logging.TensorBoardEventWriter? events, bool advance, CancellationToken cancellationToken)
    {
        var record = new EpochRecord
        {
            Epoch = state.Epoch,
            Step = state.Step,
            TrainingLoss = state.EpochLossCount == 0 ? double.NaN : state.EpochLossSum / state.EpochLossCount,
        };
        if (_validation is not null)
        {
            _task.SetTrainingMode(false);
            foreach (var (name, value) in _task.Validate(_validation, cancellationToken))
            {
                record.Validation[name] = value;
                events?.WriteScalar("validation/" + name, (float)value, state.Step);
            }

            _task.SetTrainingMode(true);
            UpdateBest(state, record);
        }

        events?.WriteScalar("train/epoch_loss", (float)record.TrainingLoss, state.Step);
        state.History.Add(record);
        Log.EpochCompleted(_logger, record.Epoch, record.Step, record.TrainingLoss, Describe(record.Validation));
        if (advance)
        {
            state.Epoch++;
            state.BatchIndex = 0;
            state.EpochLossSum = 0;
            state.EpochLossCount = 0;
        }

        return record.Validation;
    }

    private void UpdateBest(TrainerState state, EpochRecord record)
    {
        var metric = _options.EarlyStoppingMetric;
        if (!record.Validation.TryGetValue(metric, out var value))
        {
            throw new InvalidOperationException(
                $"The validation metric '{metric}' does not exist; metrics are: {string.Join(", ", record.Validation.Keys)}.");
        }

        var improved = state.BestMetric is not { } best
            || (_options.HigherIsBetter ? value > best : value < best);
        if (improved)
        {
            state.BestMetric = value;
            state.BestEpoch = record.Epoch;
            state.BestCheckpoint = CheckpointDirectory.NameOf(state.Step);
            state.EpochsWithoutImprovement = 0;
            Log.NewBest(_logger, metric, value, record.Epoch);
            return;
        }

        state.EpochsWithoutImprovement++;
        if (_options.EarlyStoppingPatience is { } patience && state.EpochsWithoutImprovement >= patience)
        {
            state.StoppedEarly = true;
            Log.StoppedEarly(_logger, record.Epoch, metric, patience, state.BestMetric ?? double.NaN, state.BestEpoch ?? -1);
        }
    }

    private string WriteCheckpoint(TrainerState state, AdamW optimizer)
    {
        CaptureRandomState(state);
        var path = _checkpoints.Write(state, directory =>
        {
            TrainableWeights.Save(_task.TrainableParameters, Path.Combine(directory, TrainableWeights.FileName));
            optimizer.SaveState(Path.Combine(directory, OptimizerFileName));
            _task.SaveArtifacts(directory);
        });
        Log.CheckpointWritten(_logger, path, state.Step);
        var removed = _checkpoints.Prune(_options.KeepCheckpoints, state.BestCheckpoint);
        if (removed.Count > 0)
        {
            Log.CheckpointsPruned(_logger, removed.Count);
        }

        return path;
    }

    private void CaptureRandomState(TrainerState state)
    {
        using var global = torch.random.get_rng_state();
        state.GlobalRandomState = Convert.ToBase64String(global.data<byte>().ToArray());
        state.MaskingRandomState = _task.GetRandomState() is { } masking ? Convert.ToBase64String(masking) : null;
    }

    private void RestoreRandomState(TrainerState state)
    {
        var bytes = Convert.FromBase64String(state.GlobalRandomState);
        using (var global = torch.tensor(bytes, ScalarType.Byte))
        {
            torch.random.set_rng_state(global);
        }

        if (state.MaskingRandomState is { } masking)
        {
            _task.SetRandomState(Convert.FromBase64String(masking));
        }
    }

    private static string Describe(IReadOnlyDictionary<string, double> metrics) =>
        metrics.Count == 0
            ? "(none)"
            : string.Join(", ", metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F4}")));
}
