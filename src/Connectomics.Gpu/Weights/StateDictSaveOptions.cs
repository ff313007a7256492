namespace Connectomics.Gpu.Weights;

/// <summary>How <see cref="StateDictSaver"/> writes a module's state dict.</summary>
public sealed class StateDictSaveOptions
{
    private SafetensorsDType? _floatingPointDType;

    /// <summary>Gets the string map written as each file's <c>__metadata__</c>. Empty it to write none.</summary>
    /// <value>The default value is <c>{"format": "pt"}</c>.</value>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };

    /// <summary>
    /// Gets or sets the dtype floating-point tensors are converted to on the way out (F16, BF16, F32 or F64);
    /// integer and boolean tensors keep theirs. <see langword="null"/> keeps every tensor's own dtype.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not F16, BF16, F32 or F64.</exception>
    public SafetensorsDType? FloatingPointDType
    {
        get => _floatingPointDType;
        set
        {
            if (value is { } dtype && dtype is not (SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F32 or SafetensorsDType.F64))
            {
                throw new ArgumentOutOfRangeException(nameof(value), dtype, "Floating-point tensors can be saved as F16, BF16, F32 or F64.");
            }

            _floatingPointDType = value;
        }
    }

    /// <summary>
    /// Gets or sets a prefix put before every key, e.g. <c>esm.</c> to save a bare base-model module under the
    /// names a full-model checkpoint uses.
    /// </summary>
    /// <value>The default value is the empty string.</value>
    public string KeyPrefix { get; set; } = string.Empty;
}
