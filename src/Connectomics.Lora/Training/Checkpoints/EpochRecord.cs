namespace Connectomics.Lora.Training;

/// <summary>What one epoch reached: the mean training loss and the validation metrics.</summary>
internal sealed class EpochRecord
{
    /// <summary>Gets or sets the epoch, from 0.</summary>
    public int Epoch { get; set; }

    /// <summary>Gets or sets the optimizer steps taken when the epoch ended.</summary>
    public long Step { get; set; }

    /// <summary>Gets or sets the mean loss of the epoch's optimizer steps.</summary>
    public double TrainingLoss { get; set; }

    /// <summary>Gets or sets the validation metrics by name (empty without validation data).</summary>
    public SortedDictionary<string, double> Validation { get; set; } = new(StringComparer.Ordinal);
}
