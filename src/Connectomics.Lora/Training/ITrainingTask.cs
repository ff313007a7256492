using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Training;

/// <summary>What differs between the training loops (taxonomy fine-tuning, masked-LM pre-training): the trainable
/// parameters, the loss of a batch, validation, what a checkpoint holds beside the exact weights, extra random state.</summary>
internal interface ITrainingTask
{
    /// <summary>Gets the kind of run, a tag in logs and metrics (<c>lora-finetuning</c>, <c>masked-lm</c>).</summary>
    string Kind { get; }

    /// <summary>Gets the parameters the optimizer updates, by name.</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <summary>Gets the names of the metrics <see cref="Validate"/> returns.</summary>
    IReadOnlyList<string> MetricNames { get; }

    /// <summary>Switches the modules between training and evaluation mode.</summary>
    /// <param name="training"><see langword="true"/> for training.</param>
    void SetTrainingMode(bool training);

    /// <summary>Computes the mean loss of a batch, recording gradients.</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>A scalar tensor.</returns>
    Tensor Loss(TrainingBatch batch);

    /// <summary>Computes the validation metrics in evaluation mode, without gradients.</summary>
    /// <param name="data">The validation reads.</param>
    /// <param name="cancellationToken">Cancels the validation.</param>
    /// <returns>The metrics by name.</returns>
    IReadOnlyDictionary<string, double> Validate(TrainingDataSet data, CancellationToken cancellationToken);

    /// <summary>Writes what users load from a checkpoint (an adapter and head, or a Hugging Face model).</summary>
    /// <param name="directory">The checkpoint's (temporary) directory.</param>
    void SaveArtifacts(string directory);

    /// <summary>Gets the task's own random state (the masking generator), or <see langword="null"/>.</summary>
    /// <returns>The state's bytes.</returns>
    byte[]? GetRandomState();

    /// <summary>Restores the task's own random state.</summary>
    /// <param name="state">Bytes from <see cref="GetRandomState"/>.</param>
    void SetRandomState(byte[] state);
}
