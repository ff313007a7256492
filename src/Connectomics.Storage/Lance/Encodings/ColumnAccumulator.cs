using System.Buffers.Binary;
using Apache.Arrow;
using Connectomics.Storage.Lance.Schema;

namespace Connectomics.Storage.Lance.Encodings;

/// <summary>Collects decoded page values of one column and builds the Arrow array.</summary>
internal sealed class ColumnAccumulator(ColumnType type)
{
    private readonly ArrowBuffer.BitmapBuilder _validity = new();
    private readonly ArrowBuffer.BitmapBuilder _bits = new();
    private readonly MemoryStream _values = new();
    private readonly List<ReadOnlyMemory<byte>> _fixed = [];
    private long _fixedBytes;
    private readonly List<long> _offsets = [0];
    private int _nulls;

    public ColumnType Type { get; } = type;

    public int Length { get; private set; }

    /// <summary>Gets the bytes of one fixed-width value (per row; dimension items for lists).</summary>
    public int RowWidth => Type.Kind == ColumnKind.FixedSizeList ? Type.ByteWidth * Type.Dimension : Type.ByteWidth;

    public void AppendValidity(bool valid)
    {
        _validity.Append(valid);
        _nulls += valid ? 0 : 1;
        Length++;
    }

    public void AppendValidityBitmap(ReadOnlySpan<byte> bitmap, int count)
    {
        for (var i = 0; i < count; i++)
        {
            AppendValidity((bitmap[i >> 3] & (1 << (i & 7))) != 0);
        }
    }

    public void AppendAllValid(int count)
    {
        for (var i = 0; i < count; i++)
        {
            AppendValidity(true);
        }
    }

    /// <summary>Appends the bytes of <paramref name="count"/> fixed-width rows; the memory is kept, not copied.</summary>
    public void AppendFixed(ReadOnlyMemory<byte> rows, int count)
    {
        var needed = count * RowWidth;
        if (rows.Length < needed)
        {
            throw new LanceFormatException($"Page holds {rows.Length} value bytes where {needed} are needed.");
        }

        _fixed.Add(rows[..needed]);
        _fixedBytes += needed;
    }

    public void AppendZeros(int count)
    {
        if (Type.Kind == ColumnKind.Boolean)
        {
            for (var i = 0; i < count; i++)
            {
                _bits.Append(false);
            }
        }
        else if (Type.Kind is ColumnKind.String or ColumnKind.Binary)
        {
            for (var i = 0; i < count; i++)
            {
                _offsets.Add(_values.Length);
            }
        }
        else
        {
            AppendFixed(new byte[count * RowWidth], count);
        }
    }

    public void AppendBits(ReadOnlySpan<byte> bitmap, int count)
    {
        if (bitmap.Length * 8 < count)
        {
            throw new LanceFormatException("Boolean page is shorter than its row count.");
        }

        for (var i = 0; i < count; i++)
        {
            _bits.Append((bitmap[i >> 3] & (1 << (i & 7))) != 0);
        }
    }

    public void AppendValue(ReadOnlySpan<byte> bytes)
    {
        _values.Write(bytes);
        _offsets.Add(_values.Length);
    }

    public IArrowArray Build()
    {
        var validity = _nulls == 0 ? ArrowBuffer.Empty : _validity.Build();
        ArrayData data;
        switch (Type.Kind)
        {
            case ColumnKind.Boolean:
                data = new ArrayData(Type.ArrowType, Length, _nulls, 0, [validity, _bits.Build()]);
                break;
            case ColumnKind.String or ColumnKind.Binary:
                var offsets = new byte[_offsets.Count * (Type.LargeOffsets ? 8 : 4)];
                for (var i = 0; i < _offsets.Count; i++)
                {
                    if (Type.LargeOffsets)
                    {
                        BinaryPrimitives.WriteInt64LittleEndian(offsets.AsSpan(i * 8), _offsets[i]);
                    }
                    else
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(offsets.AsSpan(i * 4), checked((int)_offsets[i]));
                    }
                }

                data = new ArrayData(Type.ArrowType, Length, _nulls, 0, [validity, new ArrowBuffer(offsets), new ArrowBuffer(_values.ToArray())]);
                break;
            case ColumnKind.FixedSizeList:
                var listType = (Apache.Arrow.Types.FixedSizeListType)Type.ArrowType;
                var child = new ArrayData(listType.ValueDataType, Length * Type.Dimension, 0, 0, [ArrowBuffer.Empty, FixedValues()]);
                data = new ArrayData(Type.ArrowType, Length, _nulls, 0, [validity], [child]);
                break;
            default:
                data = new ArrayData(Type.ArrowType, Length, _nulls, 0, [validity, FixedValues()]);
                break;
        }

        return ArrowArrayFactory.BuildArray(data);
    }

    private ArrowBuffer FixedValues()
    {
        if (_fixed.Count == 1)
        {
            return new ArrowBuffer(_fixed[0]);
        }

        if (_fixedBytes > System.Array.MaxLength)
        {
            throw new LanceFormatException($"The column's {_fixedBytes} value bytes in one fragment exceed what one Arrow buffer can hold.");
        }

        var all = new byte[_fixedBytes];
        var at = 0;
        foreach (var piece in _fixed)
        {
            piece.Span.CopyTo(all.AsSpan(at));
            at += piece.Length;
        }

        return new ArrowBuffer(all);
    }
}
