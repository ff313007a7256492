using System.Globalization;

namespace Connectomics.Gpu.Weights;

/// <summary>A tensor waiting to be written: its name, dtype, shape, size, and where its bytes come from.</summary>
internal sealed class SafetensorsTensorSource
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly Action<Stream>? _writeData;

    private SafetensorsTensorSource(string name, SafetensorsDType dtype, long[] shape, long elementCount, long byteLength, ReadOnlyMemory<byte> data, Action<Stream>? writeData)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        ElementCount = elementCount;
        ByteLength = byteLength;
        _data = data;
        _writeData = writeData;
    }

    internal string Name { get; }

    internal SafetensorsDType DType { get; }

    internal long[] Shape { get; }

    internal long ElementCount { get; }

    internal long ByteLength { get; }

    internal static SafetensorsTensorSource FromMemory(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data)
    {
        var (shapeCopy, elementCount, byteLength) = Describe(name, dtype, shape);
        if (data.Length != byteLength)
        {
            throw new ArgumentException(string.Create(
                CultureInfo.InvariantCulture,
                $"Tensor '{name}' has {data.Length} bytes of data, but dtype {dtype.ToFormatString()} with shape {SafetensorsTensorInfo.FormatShape(shapeCopy)} needs {byteLength}."),
                nameof(data));
        }

        return new SafetensorsTensorSource(name, dtype, shapeCopy, elementCount, byteLength, data, null);
    }

    internal static SafetensorsTensorSource FromCallback(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        var (shapeCopy, elementCount, byteLength) = Describe(name, dtype, shape);
        return new SafetensorsTensorSource(name, dtype, shapeCopy, elementCount, byteLength, default, writeData);
    }

    /// <summary>Writes exactly <see cref="ByteLength"/> bytes to <paramref name="destination"/>.</summary>
    internal void WriteTo(Stream destination)
    {
        if (_writeData is null)
        {
            destination.Write(_data.Span);
            return;
        }

        using var bounded = new TensorDataStream(destination, ByteLength, Name);
        _writeData(bounded);
        bounded.EnsureComplete();
    }

    private static (long[] Shape, long ElementCount, long ByteLength) Describe(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == SafetensorsHeader.MetadataKey)
        {
            throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for the metadata map and cannot name a tensor.", nameof(name));
        }

        var size = dtype.GetElementSize();
        long elementCount = 1;
        foreach (var dim in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(shape));
            elementCount = checked(elementCount * dim);
        }

        return (shape.ToArray(), elementCount, checked(elementCount * size));
    }
}
