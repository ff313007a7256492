using System.Globalization;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// One tensor of a safetensors checkpoint: its name, element type and shape, and the size of its data.
/// </summary>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
public sealed class SafetensorsTensorInfo
{
    private readonly long[] _shape;

    internal SafetensorsTensorInfo(string name, SafetensorsDType dtype, long[] shape, long dataBegin, long dataEnd, long elementCount)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        Shape = Array.AsReadOnly(shape);
        DataBegin = dataBegin;
        DataEnd = dataEnd;
        ElementCount = elementCount;
    }

    /// <summary>Gets the tensor's name (its key in the header).</summary>
    public string Name { get; }

    /// <summary>Gets the element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Gets the shape, outermost dimension first. Empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Gets the offset of the first byte, relative to the start of the data buffer.</summary>
    internal long DataBegin { get; }

    /// <summary>Gets the offset one past the last byte, relative to the start of the data buffer.</summary>
    internal long DataEnd { get; }

    /// <summary>Gets the number of bytes of the tensor's data: <see cref="ElementCount"/> times the element size.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>Gets the number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>Returns a copy of the shape as an array, the form tensor libraries take.</summary>
    /// <returns>A new array; changing it does not change this instance.</returns>
    internal long[] GetShapeArray() => (long[])_shape.Clone();

    internal ReadOnlySpan<long> ShapeSpan => _shape;

    /// <summary>Returns a description such as <c>encoder.weight: F32 [4, 8] @ [0, 128)</c> (the byte range in the file's data).</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Name}: {DType.ToFormatString()} {FormatShape(_shape)} @ [{DataBegin}, {DataEnd})");

    internal static string FormatShape(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    internal static string FormatShape(IReadOnlyList<long> shape)
    {
        var parts = new string[shape.Count];
        for (var i = 0; i < shape.Count; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
