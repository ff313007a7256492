using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance.Encodings;
using Connectomics.Storage.Lance.Schema;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance.Validation;

/// <summary>
/// Checks a batch against the schema of a <see cref="LanceTableWriter"/> before any of it is written: column names,
/// types (vector dimensions named), nulls in non-nullable columns and, unless allowed, non-finite vector values.
/// Errors name the table, the column and the row (counted from 0 across everything the writer was given).
/// </summary>
internal sealed class BatchValidator(string tablePath, ArrowSchema schema, LanceNonFiniteVectors nonFiniteVectors)
{
    /// <summary>Checks a batch whose first row is row <paramref name="firstRow"/> of the write.</summary>
    /// <exception cref="ArgumentException">The batch does not fit.</exception>
    public void Check(RecordBatch batch, long firstRow)
    {
        var fields = batch.Schema.FieldsList;
        var expected = schema.FieldsList;
        if (fields.Count != expected.Count || !fields.Select(f => f.Name).SequenceEqual(expected.Select(f => f.Name), StringComparer.Ordinal))
        {
            var missing = expected.Select(f => f.Name).Except(fields.Select(f => f.Name), StringComparer.Ordinal).ToList();
            var extra = fields.Select(f => f.Name).Except(expected.Select(f => f.Name), StringComparer.Ordinal).ToList();
            var detail = missing.Count + extra.Count == 0
                ? $"the columns are in another order ({Names(fields)}; expected {Names(expected)})"
                : string.Join("; ", new[] { missing.Count > 0 ? $"missing {Names(missing)}" : null, extra.Count > 0 ? $"unexpected {Names(extra)}" : null }.OfType<string>());
            throw Fail($"The batch's columns do not match the table's: {detail}.");
        }

        for (var i = 0; i < fields.Count; i++)
        {
            var name = expected[i].Name;
            var have = LanceSchemaConverter.LogicalTypeOf(fields[i].DataType) ?? fields[i].DataType.Name;
            var want = LanceSchemaConverter.LogicalTypeOf(expected[i].DataType) ?? expected[i].DataType.Name;
            if (have != want)
            {
                throw Fail(fields[i].DataType is FixedSizeListType a && expected[i].DataType is FixedSizeListType e && a.ListSize != e.ListSize
                    ? string.Create(CultureInfo.InvariantCulture, $"Column '{name}' of the batch holds vectors of dimension {a.ListSize}, but the table's column '{name}' has dimension {e.ListSize} ({want}).")
                    : $"Column '{name}' of the batch has type {have}, but the table's column '{name}' has type {want}.");
            }

            var column = batch.Column(i);
            if (!expected[i].IsNullable && column.NullCount > 0)
            {
                var row = Enumerable.Range(0, column.Length).First(column.IsNull);
                throw Fail(string.Create(CultureInfo.InvariantCulture, $"Column '{name}' is not nullable, but row {firstRow + row} of the write is null."));
            }

            if (nonFiniteVectors == LanceNonFiniteVectors.Reject && expected[i].DataType is FixedSizeListType { ValueDataType: FloatingPointType item } list)
            {
                CheckFinite(name, column.Data, list.ListSize, item.BitWidth / 8, firstRow);
            }
        }
    }

    private void CheckFinite(string name, ArrayData data, int dimension, int byteWidth, long firstRow)
    {
        var items = ArrowColumnData.ListItems(data, dimension, byteWidth).Span;
        var child = data.Children[0];
        for (var at = NonFiniteValues.IndexOf(items, byteWidth, 0); at >= 0; at = NonFiniteValues.IndexOf(items, byteWidth, at + 1))
        {
            var row = at / dimension;
            if (!ArrowColumnData.IsValid(data, row) || !ArrowColumnData.IsValid(child, (data.Offset * dimension) + at))
            {
                continue;
            }

            throw Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"Column '{name}' has {NonFiniteValues.Describe(items, byteWidth, at)} at row {firstRow + row} of the write (item {at % dimension}); set {nameof(LanceWriteOptions)}.{nameof(LanceWriteOptions.NonFiniteVectors)} to {nameof(LanceNonFiniteVectors.Allow)} to store non-finite values."));
        }
    }

    private static string Names(IEnumerable<Field> fields) => Names(fields.Select(f => f.Name));

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private ArgumentException Fail(string message) => new($"{tablePath}: {message}", "batch");
}
