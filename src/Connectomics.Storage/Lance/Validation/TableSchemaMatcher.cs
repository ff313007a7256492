using Apache.Arrow.Types;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Schema;
using Connectomics.Storage.Lance.Table;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance.Validation;

/// <summary>Checks that rows to append have the table's columns, in its order, with its types and nullability.</summary>
internal static class TableSchemaMatcher
{
    /// <summary>Gets the table's fields for <paramref name="schema"/>, or throws naming every difference.</summary>
    /// <exception cref="LanceFormatException">The schemas differ.</exception>
    public static List<LanceFieldInfo> Match(LoadedManifest table, ArrowSchema schema)
    {
        var tableFields = table.Manifest.Fields.Where(f => f.ParentId == -1).ToList();
        var problems = new List<string>();
        if (table.Manifest.Fields.Count != tableFields.Count)
        {
            problems.Add("the table has nested columns, which this library does not append to");
        }

        var tableNames = tableFields.Select(f => f.Name).ToList();
        var rowNames = schema.FieldsList.Select(f => f.Name).ToList();
        var missing = tableNames.Except(rowNames, StringComparer.Ordinal).ToList();
        var extra = rowNames.Except(tableNames, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"the rows lack column(s) {Names(missing)} of the table");
        }

        if (extra.Count > 0)
        {
            problems.Add($"the rows have column(s) {Names(extra)} the table does not have");
        }

        if (missing.Count + extra.Count == 0 && !tableNames.SequenceEqual(rowNames, StringComparer.Ordinal))
        {
            problems.Add($"the columns are in another order ({Names(rowNames)}; the table has {Names(tableNames)})");
        }

        foreach (var t in tableFields)
        {
            var s = schema.FieldsList.FirstOrDefault(f => f.Name == t.Name);
            if (s is null)
            {
                continue;
            }

            var logical = LanceSchemaConverter.LogicalTypeOf(s.DataType) ?? s.DataType.Name;
            if (t.LogicalType != logical)
            {
                var dimensions = s.DataType is FixedSizeListType list && LanceSchemaConverter.ParseLogicalType(t.LogicalType) is FixedSizeListType tableList && list.ListSize != tableList.ListSize
                    ? $" (vector dimension {tableList.ListSize} in the table, {list.ListSize} in the rows)"
                    : string.Empty;
                problems.Add($"column '{t.Name}' is {t.LogicalType} in the table but {logical} in the rows{dimensions}");
            }
            else if (!t.Nullable && s.IsNullable)
            {
                problems.Add($"column '{t.Name}' is {t.LogicalType} not null in the table but {logical} nullable in the rows");
            }
        }

        if (problems.Count > 0)
        {
            // Named by its directory: the manifest file is no name a user knows the table by.
            var tablePath = Path.GetDirectoryName(Path.GetDirectoryName(table.Path)) ?? table.Path;
            throw new LanceFormatException("Cannot append: " + string.Join("; ", problems) + ".", tablePath);
        }

        return tableFields;
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
