namespace Connectomics.Gpu.Inference;

/// <summary>One device batch: token windows to encode and pool, and the promise of their pooled vectors.</summary>
internal sealed class DeviceBatch
{
    public DeviceBatch(IReadOnlyList<int[]> windows, CancellationToken cancellationToken)
    {
        Windows = windows;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the token windows (CLS included), longest first.</summary>
    public IReadOnlyList<int[]> Windows { get; }

    /// <summary>Gets the token that cancels the batch before it starts.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the completion: one pooled vector per window, in the order of <see cref="Windows"/>.</summary>
    public TaskCompletionSource<float[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
