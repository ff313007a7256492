using System.Globalization;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Arrow;
using Connectomics.Stores;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance.Store;

/// <summary>Converts a <see cref="VectorBatch"/> to an Arrow record batch of a vector table's schema, in managed memory.</summary>
internal static class VectorBatchConversion
{
    /// <summary>Converts a batch for table <paramref name="table"/> (named in messages).</summary>
    /// <exception cref="ArgumentException">
    /// The batch has another number of columns or another dimension than the table, a null id, a null in a non-null
    /// column, or a value of another type than its column's; the message names the table, the column and the row.
    /// </exception>
    public static RecordBatch ToRecordBatch(VectorBatch batch, ArrowSchema schema, VectorTableDefinition definition, string table)
    {
        if (batch.Dimension != definition.Dimension)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Table '{table}' holds vectors of dimension {definition.Dimension}; the batch's have {batch.Dimension}."), nameof(batch));
        }

        if (batch.Columns.Count != definition.Columns.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Table '{table}' has {definition.Columns.Count} record column(s) ({string.Join(", ", definition.Columns.Select(c => c.Name))}); the batch has {batch.Columns.Count}."),
                nameof(batch));
        }

        var arrays = new IArrowArray[definition.Columns.Count + 2];
        var ids = new StringArray.Builder().Reserve(batch.Count);
        for (var r = 0; r < batch.Count; r++)
        {
            ids.Append(batch.Ids[r] ?? throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {r} of the batch for table '{table}' has no id."), nameof(batch)));
        }

        arrays[0] = ids.Build();
        for (var c = 0; c < definition.Columns.Count; c++)
        {
            arrays[c + 1] = Column(definition.Columns[c], (TimestampType?)(schema.FieldsList[c + 1].DataType as TimestampType), batch.Columns[c], batch.Ids, table);
        }

        var bytes = MemoryMarshal.AsBytes(batch.Vectors.Span).ToArray();
        arrays[^1] = FloatVectors.FromPacked(definition.Dimension, batch.Count, bytes);
        return new RecordBatch(schema, arrays, batch.Count);
    }

    private static IArrowArray Column(RecordColumn column, TimestampType? timestampType, IReadOnlyList<object?> values, IReadOnlyList<string> ids, string table)
    {
        return column.Type switch
        {
            RecordColumnType.String => Build(new StringArray.Builder(), (b, v) => b.Append(v switch { string s => s, _ => throw Wrong(v) }), b => b.AppendNull(), b => b.Build()),
            RecordColumnType.Int32 => Build(new Int32Array.Builder(), (b, v) => b.Append(v switch { int i => i, short s => s, byte y => y, _ => throw Wrong(v) }), b => b.AppendNull(), b => b.Build()),
            RecordColumnType.Int64 => Build(new Int64Array.Builder(), (b, v) => b.Append(v switch { long l => l, int i => i, short s => s, byte y => y, _ => throw Wrong(v) }), b => b.AppendNull(), b => b.Build()),
            RecordColumnType.Float => Build(new FloatArray.Builder(), (b, v) => b.Append(v switch { float f => f, _ => throw Wrong(v) }), b => b.AppendNull(), b => b.Build()),
            RecordColumnType.Double => Build(new DoubleArray.Builder(), (b, v) => b.Append(v switch { double d => d, float f => f, _ => throw Wrong(v) }), b => b.AppendNull(), b => b.Build()),
            RecordColumnType.Boolean => Build(new BooleanArray.Builder(), (b, v) => b.Append(v switch { bool x => x, _ => throw Wrong(v) }), b => b.AppendNull(), b => b.Build()),
            RecordColumnType.Date => Build(new Date32Array.Builder(), (b, v) => b.Append(v switch { DateOnly d => d, _ => throw Wrong(v) }), b => b.AppendNull(), b => b.Build()),
            RecordColumnType.Timestamp => Build(new TimestampArray.Builder(timestampType!), (b, v) => b.Append(v switch { DateTimeOffset t => t, _ => throw Wrong(v) }), b => b.AppendNull(), b => b.Build()),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, "Unknown record column type."),
        };

        IArrowArray Build<TBuilder>(TBuilder builder, Action<TBuilder, object> append, Action<TBuilder> appendNull, Func<TBuilder, IArrowArray> build)
        {
            for (var r = 0; r < values.Count; r++)
            {
                var value = values[r];
                if (value is null)
                {
                    if (!column.Nullable)
                    {
                        throw new ArgumentException($"Row {r} (id '{ids[r]}') of the batch for table '{table}' has no value in column '{column.Name}', which holds no nulls.", nameof(values));
                    }

                    appendNull(builder);
                    continue;
                }

                try
                {
                    append(builder, value);
                }
                catch (InvalidCastException)
                {
                    throw new ArgumentException(
                        $"Row {r} (id '{ids[r]}') of the batch for table '{table}' holds a {value.GetType().Name} in column '{column.Name}', which holds {column.Type} values.",
                        nameof(values));
                }
            }

            return build(builder);
        }

        static InvalidCastException Wrong(object value) => new(value.GetType().Name);
    }
}
