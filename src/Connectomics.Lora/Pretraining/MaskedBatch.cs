using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Pretraining;

/// <summary>
/// A batch prepared for the masked-LM objective by <see cref="MaskedTokenSampler.Mask"/>: the corrupted inputs, the
/// attention mask, and the labels (the original ids at the selected positions,
/// <see cref="MaskedLanguageModelLoss.IgnoreIndex"/> elsewhere).
/// </summary>
/// <remarks>The batch owns its three tensors (the attention mask is an alias of the caller's tensor: disposing the batch
/// does not dispose the caller's) and disposes them with itself.</remarks>
public sealed class MaskedBatch : IDisposable
{
    internal MaskedBatch(Tensor inputIds, Tensor attentionMask, Tensor labels, long selectedTokens)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Labels = labels;
        SelectedTokens = selectedTokens;
    }

    /// <summary>Gets the token ids [B, S] (int64) with the selected positions replaced (by <c>&lt;mask&gt;</c>, a
    /// random token, or kept), on the device of the ids given to the sampler.</summary>
    public Tensor InputIds { get; }

    /// <summary>Gets the attention mask [B, S] (int64): 1 for real tokens, 0 for padding.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>Gets the labels [B, S] (int64): the original id where a token was selected,
    /// <see cref="MaskedLanguageModelLoss.IgnoreIndex"/> (-100) everywhere else.</summary>
    public Tensor Labels { get; }

    /// <summary>Gets the number of selected positions (labels other than
    /// <see cref="MaskedLanguageModelLoss.IgnoreIndex"/>).</summary>
    public long SelectedTokens { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        Labels.Dispose();
    }
}
