namespace Connectomics.Lora.Training;

/// <summary>What one epoch of a run reached.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Step">The optimizer steps taken when it ended.</param>
/// <param name="TrainingLoss">The mean loss of its optimizer steps.</param>
/// <param name="Validation">The validation metrics by name (empty without validation data).</param>
public sealed record EpochSummary(int Epoch, long Step, double TrainingLoss, IReadOnlyDictionary<string, double> Validation)
{
    /// <summary>Creates the summary of a stored epoch record.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The summary.</returns>
    internal static EpochSummary From(EpochRecord record) => new(record.Epoch, record.Step, record.TrainingLoss, record.Validation);
}
