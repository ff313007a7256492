using System.Globalization;
using Apache.Arrow.Types;

namespace Connectomics.Lance.Tables;

/// <summary>Short names of Arrow types, as the tool prints them (<c>int64</c>, <c>timestamp[us, UTC]</c>, <c>fixed_size_list&lt;float, 8&gt;</c>).</summary>
internal static class ArrowTypeText
{
    public static string Of(IArrowType type) => type switch
    {
        BooleanType => "bool",
        StringType => "string",
        LargeStringType => "large_string",
        BinaryType => "binary",
        LargeBinaryType => "large_binary",
        FloatType => "float",
        DoubleType => "double",
        HalfFloatType => "half_float",
        Date32Type => "date32",
        Date64Type => "date64",
        TimestampType t => string.IsNullOrEmpty(t.Timezone) ? $"timestamp[{Unit(t.Unit)}]" : $"timestamp[{Unit(t.Unit)}, {t.Timezone}]",
        FixedSizeListType l => string.Create(CultureInfo.InvariantCulture, $"fixed_size_list<{Of(l.ValueDataType)}, {l.ListSize}>"),
        LargeListType l => $"large_list<{Of(l.ValueDataType)}>",
        ListType l => $"list<{Of(l.ValueDataType)}>",
        _ => type.Name,
    };

    public static string Unit(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };
}
