using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Lance.Commands;
using Connectomics.Lance.Tables;
using Connectomics.Storage.Lance;

namespace Connectomics.Lance.Queries;

/// <summary>Finds the vector of the row whose id column holds a given value (compared as text: <c>42</c>, <c>read-7</c>).</summary>
internal static class RowVector
{
    public static async Task<float[]> FindAsync(LanceTable table, TableLocation location, string idColumn, string id, string vectorColumn, CancellationToken cancellationToken)
    {
        var field = table.Schema.FieldsList.FirstOrDefault(f => f.Name == idColumn)
            ?? throw new CommandInputException(
                $"table '{location.Name}' in '{location.Database}' has no column '{idColumn}' to find --id in (the columns are {string.Join(", ", table.Schema.FieldsList.Select(f => $"'{f.Name}'"))}).");
        if (!IsComparable(field.DataType))
        {
            throw new CommandInputException($"table '{location.Name}': column '{idColumn}' is {ArrowTypeText.Of(field.DataType)}; --id looks rows up by a string or integer column.");
        }

        if (table.Schema.FieldsList.All(f => f.Name != vectorColumn))
        {
            throw new CommandInputException($"table '{location.Name}' in '{location.Database}' has no column '{vectorColumn}'.");
        }

        // The first row in scan order; ids are meant to be unique, and a duplicate is found as LanceDB's scan finds it.
        await foreach (var batch in table.ScanAsync([idColumn, vectorColumn], cancellationToken))
        {
            var ids = batch.Column(0);
            for (var row = 0; row < batch.Length; row++)
            {
                if (TextOf(ids, row) != id)
                {
                    continue;
                }

                if (batch.Column(1).IsNull(row))
                {
                    throw new CommandInputException($"table '{location.Name}': the row with {idColumn} '{id}' has no vector (null).");
                }

                if (batch.Column(1) is not FixedSizeListArray vectors)
                {
                    throw new CommandInputException($"table '{location.Name}': column '{vectorColumn}' is not a column of float vectors.");
                }

                return LanceVectors.Get(vectors, row).ToArray();
            }
        }

        throw new CommandInputException($"table '{location.Name}' in '{location.Database}' has no row with {idColumn} '{id}'.");
    }

    private static bool IsComparable(IArrowType type) => type.TypeId is ArrowTypeId.String
        or ArrowTypeId.LargeString or ArrowTypeId.Int8 or ArrowTypeId.UInt8
        or ArrowTypeId.Int16 or ArrowTypeId.UInt16 or ArrowTypeId.Int32
        or ArrowTypeId.UInt32 or ArrowTypeId.Int64 or ArrowTypeId.UInt64;

    private static string? TextOf(IArrowArray array, int row) => array.IsNull(row) ? null : array switch
    {
        StringArray a => a.GetString(row),
        LargeStringArray a => a.GetString(row),
        Int8Array a => a.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
        UInt8Array a => a.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
        Int16Array a => a.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
        UInt16Array a => a.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
        Int32Array a => a.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
        UInt32Array a => a.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
        Int64Array a => a.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
        UInt64Array a => a.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
