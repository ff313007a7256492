namespace Connectomics.Gpu.Weights;

/// <summary>A checkpoint tensor whose shape differs from the module tensor it was matched to.</summary>
public sealed class StateDictShapeMismatch
{
    /// <summary>Initializes a new instance of the <see cref="StateDictShapeMismatch"/> class.</summary>
    /// <param name="key">The module's state-dict key.</param>
    /// <param name="checkpointKey">The checkpoint's name for the tensor (differs from <paramref name="key"/> when a prefix was added or removed).</param>
    /// <param name="expectedShape">The module tensor's shape.</param>
    /// <param name="actualShape">The checkpoint tensor's shape.</param>
    public StateDictShapeMismatch(string key, string checkpointKey, IReadOnlyList<long> expectedShape, IReadOnlyList<long> actualShape)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(checkpointKey);
        ArgumentNullException.ThrowIfNull(expectedShape);
        ArgumentNullException.ThrowIfNull(actualShape);
        Key = key;
        CheckpointKey = checkpointKey;
        ExpectedShape = expectedShape.ToArray();
        ActualShape = actualShape.ToArray();
    }

    /// <summary>Gets the module's state-dict key.</summary>
    public string Key { get; }

    /// <summary>Gets the checkpoint's name for the tensor.</summary>
    public string CheckpointKey { get; }

    /// <summary>Gets the shape the module expects.</summary>
    public IReadOnlyList<long> ExpectedShape { get; }

    /// <summary>Gets the shape the checkpoint holds.</summary>
    public IReadOnlyList<long> ActualShape { get; }

    /// <summary>Returns e.g. <c>encoder.weight: module [8, 4], checkpoint [4, 8]</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"{Key}: module {SafetensorsTensorInfo.FormatShape(ExpectedShape)}, checkpoint {SafetensorsTensorInfo.FormatShape(ActualShape)}"
        + (Key == CheckpointKey ? string.Empty : $" (checkpoint key '{CheckpointKey}')");
}
