namespace Connectomics.Lora.Training;

/// <summary>What a training run ended with: steps, metrics per epoch, the best epoch, and where everything was saved.</summary>
public class TrainingResult
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="steps">The optimizer steps taken.</param>
    /// <param name="stoppedEarly">Whether early stopping ended the run.</param>
    /// <param name="history">The epochs' summaries.</param>
    /// <param name="bestEpoch">The epoch with the best early-stopping metric, or <see langword="null"/>.</param>
    /// <param name="bestMetric">The best value of the early-stopping metric, or <see langword="null"/>.</param>
    /// <param name="outputDirectory">The run's directory (final output, checkpoints, TensorBoard files).</param>
    /// <param name="latestCheckpoint">The newest checkpoint.</param>
    /// <param name="bestCheckpoint">The best checkpoint, or <see langword="null"/> without validation.</param>
    internal TrainingResult(long steps, bool stoppedEarly, IReadOnlyList<EpochSummary> history, int? bestEpoch, double? bestMetric, string outputDirectory, string latestCheckpoint, string? bestCheckpoint)
    {
        Steps = steps;
        StoppedEarly = stoppedEarly;
        History = history;
        BestEpoch = bestEpoch;
        BestMetric = bestMetric;
        OutputDirectory = outputDirectory;
        LatestCheckpoint = latestCheckpoint;
        BestCheckpoint = bestCheckpoint;
    }

    /// <summary>Gets the optimizer steps taken.</summary>
    public long Steps { get; }

    /// <summary>Gets a value indicating whether early stopping ended the run.</summary>
    public bool StoppedEarly { get; }

    /// <summary>Gets the epochs' summaries, in order.</summary>
    public IReadOnlyList<EpochSummary> History { get; }

    /// <summary>Gets the validation metrics of the last epoch (empty without validation data).</summary>
    public IReadOnlyDictionary<string, double> FinalMetrics => History.Count == 0 ? new Dictionary<string, double>() : History[^1].Validation;

    /// <summary>Gets the validation metrics of the best epoch (empty without validation data).</summary>
    public IReadOnlyDictionary<string, double> BestMetrics =>
        History.FirstOrDefault(h => h.Epoch == BestEpoch && BestEpoch is not null)?.Validation ?? new Dictionary<string, double>();

    /// <summary>Gets the epoch with the best early-stopping metric, or <see langword="null"/> without validation.</summary>
    public int? BestEpoch { get; }

    /// <summary>Gets the best value of the early-stopping metric, or <see langword="null"/> without validation.</summary>
    public double? BestMetric { get; }

    /// <summary>Gets the run's directory: the final output, <c>checkpoint-&lt;step&gt;/</c> directories, <c>latest</c>
    /// and <c>runs/</c> (TensorBoard).</summary>
    public string OutputDirectory { get; }

    /// <summary>Gets the newest checkpoint's directory.</summary>
    public string LatestCheckpoint { get; }

    /// <summary>Gets the best checkpoint's directory (loadable as an adapter directory, or a Hugging Face model for
    /// full pre-training), or <see langword="null"/> without validation.</summary>
    public string? BestCheckpoint { get; }
}
