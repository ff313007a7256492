using Connectomics.Gpu.Models;
using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Pretraining;

/// <summary>
/// The masked-LM loss: the mean cross-entropy of the vocabulary logits over the positions whose label is not
/// <see cref="IgnoreIndex"/>, as PyTorch's <c>CrossEntropyLoss(ignore_index=-100)</c> computes it for Hugging Face's
/// <c>EsmForMaskedLM</c>.
/// </summary>
public static class MaskedLanguageModelLoss
{
    /// <summary>The label of positions that take no part in the loss (PyTorch's and Hugging Face's -100).</summary>
    public const long IgnoreIndex = -100;

    /// <summary>Computes the loss from logits.</summary>
    /// <param name="logits">The logits [..., V] (float32), for example
    /// <see cref="NucleotideTransformerModel.PredictTokens"/> of the hidden states.</param>
    /// <param name="labels">The labels [...] (int64): a token id or <see cref="IgnoreIndex"/>.</param>
    /// <returns>A scalar: the mean over the labelled positions, or 0 when no position is labelled (where PyTorch's mean
    /// gives NaN), so that a batch in which nothing was selected does not poison training.</returns>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != labels.dim() + 1 || !logits.shape.Take((int)labels.dim()).SequenceEqual(labels.shape))
        {
            throw new ArgumentException(
                $"The logits [{string.Join(", ", logits.shape)}] must have the labels' shape [{string.Join(", ", labels.shape)}] plus a vocabulary axis.",
                nameof(logits));
        }

        using var scope = torch.NewDisposeScope();
        var vocabulary = logits.shape[^1];
        var flatLogits = logits.reshape(-1, vocabulary);
        var flatLabels = labels.reshape(-1);
        var summed = nn.functional.cross_entropy(flatLogits, flatLabels, ignore_index: IgnoreIndex, reduction: nn.Reduction.Sum);
        using var ignoreIndex = IgnoreIndex.ToScalar();
        var count = flatLabels.ne(ignoreIndex).sum().to(summed.dtype).clamp_min(ScalarConstants.OneDouble);
        return scope.MoveToOuter(summed / count);
    }

    /// <summary>
    /// Runs the model on a masked batch and computes the loss. The masked-LM head runs on the labelled positions only
    /// (it acts on each position alone, so the loss is the one of <see cref="Compute(Tensor, Tensor)"/> over the full
    /// logits, without their [B, S, V] memory). Gradients are recorded when autograd is enabled.
    /// </summary>
    /// <param name="model">The model, with its masked-LM head.</param>
    /// <param name="batch">The batch, on the model's device.</param>
    /// <returns>The scalar loss (0 when the batch has no labelled position).</returns>
    /// <exception cref="InvalidOperationException">The model has no masked-LM head.</exception>
    public static Tensor Compute(NucleotideTransformerModel model, MaskedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        if (!model.HasLanguageModelHead)
        {
            throw new InvalidOperationException($"{model.Name} has no masked-LM head; call AddLanguageModelHead first.");
        }

        using var scope = torch.NewDisposeScope();
        var hidden = model.Encode(batch.InputIds, batch.AttentionMask);
        using var ignoreIndex = IgnoreIndex.ToScalar();
        var labelled = batch.Labels.ne(ignoreIndex);
        var logits = model.PredictTokens(hidden[labelled]);
        var labels = batch.Labels[labelled];
        return scope.MoveToOuter(Compute(logits, labels));
    }
}
