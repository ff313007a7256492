using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tokenization;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Training;

/// <summary>The steps both trainers take before their loop: the token limit, gradient checkpointing, precision, the
/// fingerprint of the model and settings.</summary>
internal static class RunPreparation
{
    /// <summary>Gets the token limit of reads: the option, capped by the model's limit.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The options.</param>
    /// <returns>The limit.</returns>
    public static int MaxTokens(NucleotideTransformerModel model, TrainingOptions options) =>
        Math.Min(options.MaxTokens ?? model.Config.MaxTokens, model.Config.MaxTokens);

    /// <summary>Gets the model's tokenizer.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The tokenizer.</returns>
    public static NucleotideTokenizer Tokenizer(NucleotideTransformerModel model) => new(model.Vocabulary);

    /// <summary>Applies gradient checkpointing and the precision of the projections: bfloat16 with float32 weights
    /// (<see cref="NucleotideTransformerModel.ComputeType"/>) when <see cref="TrainingOptions.BFloat16OnCuda"/> is set
    /// and the model is on CUDA, float32 otherwise (with a warning when the option was asked on CPU).</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger.</param>
    public static void ConfigureModel(NucleotideTransformerModel model, TrainingOptions options, ILogger logger)
    {
        model.GradientCheckpointing = options.GradientCheckpointing;
        var onCuda = model.Device.type == DeviceType.CUDA;
        if (options.BFloat16OnCuda && !onCuda)
        {
            Log.BFloat16Ignored(logger, model.Device.ToString());
        }

        model.ComputeType = options.BFloat16OnCuda && onCuda ? ScalarType.BFloat16 : ScalarType.Float32;
    }

    /// <summary>Starts a fingerprint with the model's identity (its configuration and the weights it starts from) and the
    /// shared settings.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">The options.</param>
    /// <param name="train">The training data.</param>
    /// <param name="validation">The validation data, or <see langword="null"/>.</param>
    /// <returns>The fingerprint.</returns>
    public static RunFingerprint Fingerprint(NucleotideTransformerModel model, TrainingOptions options, TrainingDataSet train, TrainingDataSet? validation)
    {
        var fingerprint = new RunFingerprint()
            .Add("Model.Config", model.Config.ToHuggingFaceJson().ReplaceLineEndings(string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal))
            .Add("Model.Weights", model.ComputeWeightsFingerprint())
            .Add("Data.Train", train.Fingerprint)
            .Add("Data.Validation", validation?.Fingerprint);
        options.AddTo(fingerprint);
        return fingerprint;
    }
}
