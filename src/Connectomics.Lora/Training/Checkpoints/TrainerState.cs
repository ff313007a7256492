using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connectomics.Lora.Training;

/// <summary>
/// Everything besides the weights and the optimizer's moments that a resumed run needs to continue exactly where the
/// checkpoint was taken: the step, the data position, the random generators' states, the metrics so far, the
/// best-metric bookkeeping and the fingerprint of the settings. Stored as <c>trainer_state.json</c>.
/// </summary>
internal sealed class TrainerState
{
    /// <summary>The version of this layout.</summary>
    public const int CurrentFormatVersion = 1;

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>Gets or sets the layout version.</summary>
    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>Gets or sets the optimizer steps taken.</summary>
    public long Step { get; set; }

    /// <summary>Gets or sets the epoch of the next batch.</summary>
    public int Epoch { get; set; }

    /// <summary>Gets or sets the index, within <see cref="Epoch"/>, of the next batch.</summary>
    public int BatchIndex { get; set; }

    /// <summary>Gets or sets the step the learning-rate schedule is at.</summary>
    public long SchedulerStep { get; set; }

    /// <summary>Gets or sets the state of torch's global CPU generator (dropout), base64.</summary>
    public string GlobalRandomState { get; set; } = string.Empty;

    /// <summary>Gets or sets the state of the masking generator (masked-LM only), base64.</summary>
    public string? MaskingRandomState { get; set; }

    /// <summary>Gets or sets the tokens trained on so far.</summary>
    public long Tokens { get; set; }

    /// <summary>Gets or sets the sum of the losses of the optimizer steps of the current epoch.</summary>
    public double EpochLossSum { get; set; }

    /// <summary>Gets or sets the number of optimizer steps in the current epoch.</summary>
    public long EpochLossCount { get; set; }

    /// <summary>Gets or sets the per-epoch records so far.</summary>
    public List<EpochRecord> History { get; set; } = [];

    /// <summary>Gets or sets the best value of the early-stopping metric so far.</summary>
    public double? BestMetric { get; set; }

    /// <summary>Gets or sets the epoch that reached <see cref="BestMetric"/>.</summary>
    public int? BestEpoch { get; set; }

    /// <summary>Gets or sets the name of the checkpoint directory that holds the best weights.</summary>
    public string? BestCheckpoint { get; set; }

    /// <summary>Gets or sets the epochs in a row without improvement.</summary>
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>Gets or sets a value indicating whether early stopping ended the run.</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>Gets or sets the settings and data digests of the run.</summary>
    public SortedDictionary<string, string> Fingerprint { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Serializes the state.</summary>
    /// <returns>UTF-8 JSON.</returns>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    /// <summary>Reads a state file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The state.</returns>
    /// <exception cref="InvalidDataException">The file is not a trainer state; the message names it.</exception>
    public static TrainerState Read(string path)
    {
        try
        {
            var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllBytes(path), s_json)
                ?? throw new InvalidDataException($"'{path}' holds no trainer state.");
            return state.FormatVersion == CurrentFormatVersion
                ? state
                : throw new InvalidDataException($"'{path}' has trainer-state format {state.FormatVersion}; this version reads {CurrentFormatVersion}.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"'{path}' is not a valid trainer state: {error.Message}", error);
        }
    }
}
