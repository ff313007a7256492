using System.Globalization;
using System.Text;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// Thrown when a checkpoint does not fit a module's state dict: module keys the checkpoint lacks, checkpoint keys
/// the module lacks (and that are not ignored), tensors whose shape differs, or tensors whose element type cannot
/// be loaded. All problems are gathered into one exception, and the module is left unchanged.
/// </summary>
public sealed class StateDictMismatchException : ConnectomicsException
{
    /// <summary>How many entries of each list the message shows before summarising the rest.</summary>
    internal const int MaxListedPerCategory = 25;

    /// <summary>Initializes a new instance of the <see cref="StateDictMismatchException"/> class.</summary>
    public StateDictMismatchException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public StateDictMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public StateDictMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance from the problems found; the message lists them all (capped per category).</summary>
    /// <param name="checkpointPath">The checkpoint that was being loaded.</param>
    /// <param name="missingKeys">Module keys the checkpoint lacks.</param>
    /// <param name="unexpectedKeys">Checkpoint keys the module lacks and that were not ignored.</param>
    /// <param name="mismatchedShapes">Tensors present on both sides with different shapes.</param>
    /// <param name="mismatchedDTypes">Tensors present on both sides whose element type cannot be loaded.</param>
    public StateDictMismatchException(
        string? checkpointPath,
        IReadOnlyList<string> missingKeys,
        IReadOnlyList<string> unexpectedKeys,
        IReadOnlyList<StateDictShapeMismatch> mismatchedShapes,
        IReadOnlyList<StateDictDTypeMismatch> mismatchedDTypes)
        : base(BuildMessage(checkpointPath, missingKeys, unexpectedKeys, mismatchedShapes, mismatchedDTypes))
    {
        CheckpointPath = checkpointPath;
        MissingKeys = missingKeys.ToArray();
        UnexpectedKeys = unexpectedKeys.ToArray();
        MismatchedShapes = mismatchedShapes.ToArray();
        MismatchedDTypes = mismatchedDTypes.ToArray();
    }

    /// <summary>Gets the path of the checkpoint that was being loaded, when known.</summary>
    public string? CheckpointPath { get; }

    /// <summary>Gets the module's state-dict keys that the checkpoint lacks.</summary>
    public IReadOnlyList<string> MissingKeys { get; } = [];

    /// <summary>Gets the checkpoint keys that match no module key and were not ignored.</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; } = [];

    /// <summary>Gets the tensors present on both sides whose shapes differ.</summary>
    public IReadOnlyList<StateDictShapeMismatch> MismatchedShapes { get; } = [];

    /// <summary>Gets the tensors present on both sides whose element type cannot be loaded.</summary>
    public IReadOnlyList<StateDictDTypeMismatch> MismatchedDTypes { get; } = [];

    private static string BuildMessage(
        string? checkpointPath,
        IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected,
        IReadOnlyList<StateDictShapeMismatch> shapes,
        IReadOnlyList<StateDictDTypeMismatch> dtypes)
    {
        ArgumentNullException.ThrowIfNull(missing);
        ArgumentNullException.ThrowIfNull(unexpected);
        ArgumentNullException.ThrowIfNull(shapes);
        ArgumentNullException.ThrowIfNull(dtypes);

        var counts = new List<string>();
        AddCount(counts, missing.Count, "missing key", "missing keys");
        AddCount(counts, unexpected.Count, "unexpected key", "unexpected keys");
        AddCount(counts, shapes.Count, "shape mismatch", "shape mismatches");
        AddCount(counts, dtypes.Count, "dtype mismatch", "dtype mismatches");

        var text = new StringBuilder();
        text.Append(checkpointPath is null ? "The checkpoint" : $"The checkpoint '{checkpointPath}'")
            .Append(" does not match the module's state dict");
        text.Append(counts.Count > 0 ? ": " + string.Join(", ", counts) + "." : ".");
        AppendList(text, "Missing from the checkpoint", missing);
        AppendList(text, "Unexpected in the checkpoint", unexpected);
        AppendList(text, "Shape mismatches", shapes.Select(s => s.ToString()).ToArray());
        AppendList(text, "Dtype mismatches", dtypes.Select(d => d.ToString()).ToArray());
        return text.ToString();
    }

    private static void AddCount(List<string> counts, int count, string one, string many)
    {
        if (count > 0)
        {
            counts.Add(string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? one : many)}"));
        }
    }

    private static void AppendList(StringBuilder text, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        text.Append('\n').Append(title).Append(':');
        foreach (var item in items.Take(MaxListedPerCategory))
        {
            text.Append("\n  ").Append(item);
        }

        if (items.Count > MaxListedPerCategory)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  … and {items.Count - MaxListedPerCategory} more");
        }
    }
}
