using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Stores;

namespace Connectomics.Storage.Parquet;

/// <summary>Reads typed values out of Arrow arrays for the record shape.</summary>
internal static class ArrowValues
{
    /// <summary>The types a metadata column may have, for error messages.</summary>
    public const string SupportedMetadataTypes =
        "string, int8/16/32/64, uint8/16/32/64, float, double, boolean, date32, timestamp";

    // Dictionary-encoded columns (pandas categoricals, written with the Arrow schema stored) are judged and read by
    // their value type.
    public static bool IsString(IArrowType type) => ValueType(type).TypeId is ArrowTypeId.String or ArrowTypeId.LargeString or ArrowTypeId.StringView;

    public static bool IsInteger(IArrowType type) => ValueType(type).TypeId is ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32 or ArrowTypeId.Int64
        or ArrowTypeId.UInt8 or ArrowTypeId.UInt16 or ArrowTypeId.UInt32 or ArrowTypeId.UInt64;

    public static bool IsSupportedMetadata(IArrowType type) => IsString(type) || IsInteger(type) || ValueType(type).TypeId
        is ArrowTypeId.Float or ArrowTypeId.Double or ArrowTypeId.Boolean or ArrowTypeId.Date32 or ArrowTypeId.Timestamp;

    /// <summary>Describes a type the way error messages show it (<c>int32</c>, <c>timestamp[us, UTC]</c>).</summary>
    public static string Describe(IArrowType type) => type switch
    {
        TimestampType t => string.IsNullOrEmpty(t.Timezone) ? $"timestamp[{Unit(t.Unit)}]" : $"timestamp[{Unit(t.Unit)}, {t.Timezone}]",
        DictionaryType d => $"dictionary<{Describe(d.ValueType)}>",
        _ => type.Name,
    };

    /// <summary>Returns the value at <paramref name="index"/> of a string column, or <see langword="null"/>.</summary>
    public static string? GetString(IArrowArray array, int index) => array switch
    {
        StringArray a => a.GetString(index),
        LargeStringArray a => a.GetString(index),
        StringViewArray a => a.GetString(index),
        DictionaryArray a => a.IsNull(index) ? null : GetString(a.Dictionary, DictionaryIndex(a, index)),
        _ => throw new InvalidOperationException($"Arrow array {array.Data.DataType.Name} is not a string array."),
    };

    /// <summary>Returns the value at <paramref name="index"/> of a string or integer column as text, or <see langword="null"/>.</summary>
    public static string? GetText(IArrowArray array, int index)
    {
        if (array.IsNull(index))
        {
            return null;
        }

        return array switch
        {
            Int8Array a => a.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            Int16Array a => a.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            Int32Array a => a.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            Int64Array a => a.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            UInt8Array a => a.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            UInt16Array a => a.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            UInt32Array a => a.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            UInt64Array a => a.GetValue(index)!.Value.ToString(CultureInfo.InvariantCulture),
            DictionaryArray a => GetText(a.Dictionary, DictionaryIndex(a, index)),
            _ => GetString(array, index),
        };
    }

    /// <summary>Returns the value at <paramref name="index"/> of a metadata column as its CLR type, or <see langword="null"/>.</summary>
    public static object? GetValue(IArrowArray array, int index)
    {
        if (array.IsNull(index))
        {
            return null;
        }

        return array switch
        {
            StringArray a => a.GetString(index),
            LargeStringArray a => a.GetString(index),
            StringViewArray a => a.GetString(index),
            Int8Array a => a.GetValue(index),
            Int16Array a => a.GetValue(index),
            Int32Array a => a.GetValue(index),
            Int64Array a => a.GetValue(index),
            UInt8Array a => a.GetValue(index),
            UInt16Array a => a.GetValue(index),
            UInt32Array a => a.GetValue(index),
            UInt64Array a => a.GetValue(index),
            FloatArray a => a.GetValue(index),
            DoubleArray a => a.GetValue(index),
            BooleanArray a => a.GetValue(index),
            Date32Array a => a.GetDateOnly(index),
            TimestampArray a => ToUtc(a, index),
            DictionaryArray a => GetValue(a.Dictionary, DictionaryIndex(a, index)),
            _ => throw new InvalidOperationException($"Arrow array {array.Data.DataType.Name} is not a supported metadata array."),
        };
    }

    /// <summary>
    /// Gets the record column type that holds a column's values without loss: strings; 8-, 16- and 32-bit integers and
    /// unsigned 8- and 16-bit integers as <see cref="RecordColumnType.Int32"/>; 64-bit and unsigned 32-bit integers as
    /// <see cref="RecordColumnType.Int64"/>; floats, doubles, booleans, dates and timestamps as themselves. Null for
    /// any other type (unsigned 64-bit integers among them, which no record column type holds whole).
    /// </summary>
    public static RecordColumnType? RecordTypeOf(IArrowType type) => ValueType(type).TypeId switch
    {
        ArrowTypeId.String or ArrowTypeId.LargeString or ArrowTypeId.StringView => RecordColumnType.String,
        ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32 or ArrowTypeId.UInt8 or ArrowTypeId.UInt16 => RecordColumnType.Int32,
        ArrowTypeId.Int64 or ArrowTypeId.UInt32 => RecordColumnType.Int64,
        ArrowTypeId.Float => RecordColumnType.Float,
        ArrowTypeId.Double => RecordColumnType.Double,
        ArrowTypeId.Boolean => RecordColumnType.Boolean,
        ArrowTypeId.Date32 => RecordColumnType.Date,
        ArrowTypeId.Timestamp => RecordColumnType.Timestamp,
        _ => null,
    };

    /// <summary>
    /// Returns the value at <paramref name="index"/> as the .NET type of its record column type
    /// (<see cref="RecordTypeOf"/>): narrower integers widened, timestamps truncated to microseconds; or null.
    /// </summary>
    public static object? GetRecordValue(IArrowArray array, int index) => GetValue(array, index) switch
    {
        sbyte v => (int)v,
        short v => (int)v,
        byte v => (int)v,
        ushort v => (int)v,
        uint v => (long)v,
        DateTimeOffset v => new DateTimeOffset(v.Ticks - (v.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero),
        var v => v,
    };

    private static IArrowType ValueType(IArrowType type) => type is DictionaryType dictionary ? dictionary.ValueType : type;

    private static int DictionaryIndex(DictionaryArray array, int index) => array.Indices switch
    {
        Int8Array i => i.GetValue(index)!.Value,
        Int16Array i => i.GetValue(index)!.Value,
        Int32Array i => i.GetValue(index)!.Value,
        Int64Array i => checked((int)i.GetValue(index)!.Value),
        UInt8Array i => i.GetValue(index)!.Value,
        UInt16Array i => i.GetValue(index)!.Value,
        UInt32Array i => checked((int)i.GetValue(index)!.Value),
        UInt64Array i => checked((int)i.GetValue(index)!.Value),
        _ => throw new InvalidOperationException($"Arrow dictionary indices of type {array.Indices.Data.DataType.Name} are not supported."),
    };

    private static DateTimeOffset ToUtc(TimestampArray array, int index)
    {
        var type = (TimestampType)array.Data.DataType;
        var value = array.Values[index];
        var ticks = type.Unit switch
        {
            TimeUnit.Second => value * TimeSpan.TicksPerSecond,
            TimeUnit.Millisecond => value * TimeSpan.TicksPerMillisecond,
            TimeUnit.Microsecond => value * TimeSpan.TicksPerMicrosecond,
            _ => value / TimeSpan.NanosecondsPerTick,
        };
        return DateTimeOffset.UnixEpoch.AddTicks(ticks);
    }

    private static string Unit(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };
}
