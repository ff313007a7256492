using System.Globalization;

namespace Connectomics.Devices;

/// <summary>One processor a model can run on: the CPU, or CUDA device N.</summary>
/// <param name="Kind">The kind of processor.</param>
/// <param name="Index">The CUDA ordinal; always 0 for the CPU.</param>
/// <remarks>The text form is the one PyTorch uses: <c>cpu</c>, <c>cuda:0</c>.</remarks>
public sealed record ComputeDevice(DeviceKind Kind, int Index = 0)
{
    /// <summary>Gets the host CPU.</summary>
    public static ComputeDevice Cpu { get; } = new(DeviceKind.Cpu);

    /// <summary>Gets a human-readable name (the GPU model), when the backend can tell.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the total memory of the device in bytes, when the backend can tell.</summary>
    public long? TotalMemoryBytes { get; init; }

    /// <summary>Gets the CUDA device with the given ordinal.</summary>
    /// <param name="index">The CUDA ordinal (0-based).</param>
    /// <returns>The device.</returns>
    public static ComputeDevice Cuda(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new ComputeDevice(DeviceKind.Cuda, index);
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> (device 0) or <c>cuda:N</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The device.</returns>
    /// <exception cref="FormatException">The text names no device.</exception>
    public static ComputeDevice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu")
        {
            return Cpu;
        }

        if (t == "cuda")
        {
            return Cuda(0);
        }

        if (t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Cuda(index);
        }

        throw new FormatException($"'{text}' is not a device: expected 'cpu', 'cuda' or 'cuda:N'.");
    }

    /// <inheritdoc />
    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : $"cuda:{Index.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public bool Equals(ComputeDevice? other) => other is not null && other.Kind == Kind && other.Index == Index;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Index);
}
