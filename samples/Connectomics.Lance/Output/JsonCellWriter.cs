using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Lance.Output;

/// <summary>
/// Writes one Arrow value as JSON: numbers as numbers (floats in their shortest round-trip form; NaN and infinities
/// as strings), text as strings, binary as base64, dates and timestamps as ISO 8601, lists (vectors) as arrays.
/// </summary>
internal static class JsonCellWriter
{
    public static void Write(Utf8JsonWriter writer, IArrowArray array, int index)
    {
        if (array.IsNull(index))
        {
            writer.WriteNullValue();
            return;
        }

        switch (array)
        {
            case BooleanArray a: writer.WriteBooleanValue(a.GetValue(index)!.Value); break;
            case Int8Array a: writer.WriteNumberValue(a.Values[index]); break;
            case UInt8Array a: writer.WriteNumberValue(a.Values[index]); break;
            case Int16Array a: writer.WriteNumberValue(a.Values[index]); break;
            case UInt16Array a: writer.WriteNumberValue(a.Values[index]); break;
            case Int32Array a: writer.WriteNumberValue(a.Values[index]); break;
            case UInt32Array a: writer.WriteNumberValue(a.Values[index]); break;
            case Int64Array a: writer.WriteNumberValue(a.Values[index]); break;
            case UInt64Array a: writer.WriteNumberValue(a.Values[index]); break;
            case FloatArray a: WriteFloat(writer, a.Values[index]); break;
            case DoubleArray a: WriteDouble(writer, a.Values[index]); break;
            case StringArray a: writer.WriteStringValue(a.GetString(index)); break;
            case LargeStringArray a: writer.WriteStringValue(a.GetString(index)); break;
            case BinaryArray a: writer.WriteBase64StringValue(a.GetBytes(index)); break;
            case LargeBinaryArray a: writer.WriteBase64StringValue(a.GetBytes(index)); break;
            case Date32Array a: writer.WriteStringValue(TimestampText.Of(a, index)); break;
            case TimestampArray a: writer.WriteStringValue(TimestampText.Of(a, index)); break;
            case FixedSizeListArray a:
                var size = ((FixedSizeListType)a.Data.DataType).ListSize;
                WriteItems(writer, a.Values, (a.Offset + index) * size, size);
                break;
            case ListArray a: WriteItems(writer, a.Values, a.ValueOffsets[index], a.GetValueLength(index)); break;
            default: writer.WriteStringValue(array.Data.DataType.Name); break;
        }
    }

    private static void WriteItems(Utf8JsonWriter writer, IArrowArray items, int start, int count)
    {
        writer.WriteStartArray();
        for (var i = 0; i < count; i++)
        {
            Write(writer, items, start + i);
        }

        writer.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NonFinite(value));
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NonFinite(value));
        }
    }

    private static string NonFinite(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
}
