using static TorchSharp.torch;

namespace Connectomics.Lora.Training;

/// <summary>One batch on the device: right-padded token ids, the attention mask and, for labelled data, the labels.</summary>
internal sealed class TrainingBatch : IDisposable
{
    /// <summary>Initializes a new instance; the batch owns the tensors.</summary>
    /// <param name="inputIds">Token ids [B, S] (int64).</param>
    /// <param name="attentionMask">1 for tokens, 0 for padding [B, S] (int64).</param>
    /// <param name="labels">Labels [B, 7] (int64), or <see langword="null"/>.</param>
    /// <param name="tokenCount">The number of real (unpadded) tokens.</param>
    public TrainingBatch(Tensor inputIds, Tensor attentionMask, Tensor? labels, long tokenCount)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        Labels = labels;
        TokenCount = tokenCount;
    }

    /// <summary>Gets the token ids [B, S].</summary>
    public Tensor InputIds { get; }

    /// <summary>Gets the attention mask [B, S].</summary>
    public Tensor AttentionMask { get; }

    /// <summary>Gets the labels [B, 7], or <see langword="null"/> for unlabelled data.</summary>
    public Tensor? Labels { get; }

    /// <summary>Gets the number of real tokens in the batch.</summary>
    public long TokenCount { get; }

    /// <summary>Gets the number of reads in the batch.</summary>
    public long Count => InputIds.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        Labels?.Dispose();
    }
}
