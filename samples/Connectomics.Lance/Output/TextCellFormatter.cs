using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Lance.Output;

/// <summary>Short text of one Arrow value for a terminal table: long text cut, vectors abbreviated to their first values and length.</summary>
internal static class TextCellFormatter
{
    private const int MaxTextLength = 40;
    private const int VectorValuesShown = 3;

    public static string Format(IArrowArray array, int index)
    {
        if (array.IsNull(index))
        {
            return "null";
        }

        var culture = CultureInfo.InvariantCulture;
        return array switch
        {
            BooleanArray a => a.GetValue(index)!.Value ? "true" : "false",
            Int8Array a => a.Values[index].ToString(culture),
            UInt8Array a => a.Values[index].ToString(culture),
            Int16Array a => a.Values[index].ToString(culture),
            UInt16Array a => a.Values[index].ToString(culture),
            Int32Array a => a.Values[index].ToString(culture),
            UInt32Array a => a.Values[index].ToString(culture),
            Int64Array a => a.Values[index].ToString(culture),
            UInt64Array a => a.Values[index].ToString(culture),
            FloatArray a => a.Values[index].ToString(culture),
            DoubleArray a => a.Values[index].ToString(culture),
            StringArray a => Cut(a.GetString(index)),
            LargeStringArray a => Cut(a.GetString(index)),
            BinaryArray a => string.Create(culture, $"<{a.GetBytes(index).Length} bytes>"),
            LargeBinaryArray a => string.Create(culture, $"<{a.GetBytes(index).Length} bytes>"),
            Date32Array a => TimestampText.Of(a, index),
            TimestampArray a => TimestampText.Of(a, index),
            FixedSizeListArray a => Items(a.Values, (a.Offset + index) * ((FixedSizeListType)a.Data.DataType).ListSize, ((FixedSizeListType)a.Data.DataType).ListSize),
            ListArray a => Items(a.Values, a.ValueOffsets[index], a.GetValueLength(index)),
            _ => array.Data.DataType.Name,
        };
    }

    private static string Items(IArrowArray items, int start, int count)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < Math.Min(count, VectorValuesShown); i++)
        {
            text.Append(i > 0 ? ", " : string.Empty).Append(Format(items, start + i));
        }

        if (count > VectorValuesShown)
        {
            text.Append(CultureInfo.InvariantCulture, $", … ({count} values)");
        }

        return text.Append(']').ToString();
    }

    private static string Cut(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= MaxTextLength ? oneLine : oneLine[..(MaxTextLength - 1)] + "…";
    }
}
