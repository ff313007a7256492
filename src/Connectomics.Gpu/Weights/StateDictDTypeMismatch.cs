namespace Connectomics.Gpu.Weights;

/// <summary>
/// A checkpoint tensor whose element type cannot be loaded into the module tensor it was matched to: TorchSharp
/// has no such type (U16, U32, U64, FP8), or floating-point values would be truncated into an integer or boolean
/// tensor.
/// </summary>
public sealed class StateDictDTypeMismatch
{
    /// <summary>Initializes a new instance of the <see cref="StateDictDTypeMismatch"/> class.</summary>
    /// <param name="key">The module's state-dict key.</param>
    /// <param name="checkpointKey">The checkpoint's name for the tensor.</param>
    /// <param name="expectedDType">The module tensor's element type, as TorchSharp names it.</param>
    /// <param name="actualDType">The checkpoint tensor's element type.</param>
    public StateDictDTypeMismatch(string key, string checkpointKey, string expectedDType, SafetensorsDType actualDType)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(checkpointKey);
        ArgumentNullException.ThrowIfNull(expectedDType);
        Key = key;
        CheckpointKey = checkpointKey;
        ExpectedDType = expectedDType;
        ActualDType = actualDType;
    }

    /// <summary>Gets the module's state-dict key.</summary>
    public string Key { get; }

    /// <summary>Gets the checkpoint's name for the tensor.</summary>
    public string CheckpointKey { get; }

    /// <summary>Gets the module tensor's element type, as TorchSharp names it (e.g. <c>Float32</c>).</summary>
    public string ExpectedDType { get; }

    /// <summary>Gets the checkpoint tensor's element type.</summary>
    public SafetensorsDType ActualDType { get; }

    /// <summary>Returns e.g. <c>counts: module Int64, checkpoint F32</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"{Key}: module {ExpectedDType}, checkpoint {ActualDType.ToFormatString()}"
        + (Key == CheckpointKey ? string.Empty : $" (checkpoint key '{CheckpointKey}')");
}
