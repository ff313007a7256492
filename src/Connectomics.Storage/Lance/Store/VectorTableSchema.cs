using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Arrow;
using Connectomics.Storage.Lance.Schema;
using Connectomics.Stores;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance.Store;

/// <summary>
/// The Arrow schema of a <see cref="VectorTableDefinition"/> (the id as non-null utf8, each record column by its type,
/// the vector as <c>FixedSizeList&lt;float32, D&gt;</c>, the metadata as schema metadata), the definition an existing
/// table's schema stands for, and the differences between the two.
/// </summary>
internal static class VectorTableSchema
{
    /// <summary>The time zone of <see cref="RecordColumnType.Timestamp"/> columns.</summary>
    public const string TimestampZone = "UTC";

    /// <summary>Builds the schema of a definition.</summary>
    /// <exception cref="ArgumentException">The definition names a column twice, or a column is blank.</exception>
    public static ArrowSchema ToArrow(VectorTableDefinition definition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(definition.IdColumn, nameof(definition));
        ArgumentException.ThrowIfNullOrWhiteSpace(definition.VectorColumn, nameof(definition));
        ArgumentOutOfRangeException.ThrowIfLessThan(definition.Dimension, 1, nameof(definition));
        var names = new HashSet<string>(StringComparer.Ordinal) { definition.IdColumn };
        var builder = new ArrowSchema.Builder().Field(new Field(definition.IdColumn, StringType.Default, false));
        foreach (var column in definition.Columns)
        {
            if (string.IsNullOrWhiteSpace(column.Name) || !names.Add(column.Name))
            {
                throw new ArgumentException($"Table '{definition.Name}' names column '{column.Name}' twice or blank.", nameof(definition));
            }

            builder.Field(new Field(column.Name, ArrowType(column.Type), column.Nullable));
        }

        if (!names.Add(definition.VectorColumn))
        {
            throw new ArgumentException($"Table '{definition.Name}' names column '{definition.VectorColumn}' twice.", nameof(definition));
        }

        builder.Field(new Field(definition.VectorColumn, FloatVectors.CreateType(definition.Dimension), false));
        foreach (var (key, value) in definition.Metadata)
        {
            builder.Metadata(key, value);
        }

        return builder.Build();
    }

    /// <summary>Gets the Arrow type of a record column type.</summary>
    public static IArrowType ArrowType(RecordColumnType type) => type switch
    {
        RecordColumnType.String => StringType.Default,
        RecordColumnType.Int32 => Int32Type.Default,
        RecordColumnType.Int64 => Int64Type.Default,
        RecordColumnType.Float => FloatType.Default,
        RecordColumnType.Double => DoubleType.Default,
        RecordColumnType.Boolean => BooleanType.Default,
        RecordColumnType.Date => Date32Type.Default,
        RecordColumnType.Timestamp => new TimestampType(TimeUnit.Microsecond, TimestampZone),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown record column type."),
    };

    /// <summary>
    /// Gets the definition an existing table's schema stands for: the <c>id</c> column (else the first utf8 one), the
    /// <c>vector</c> column (else the only <c>FixedSizeList&lt;float32, D&gt;</c> one), the others as record columns.
    /// </summary>
    /// <exception cref="LanceSchemaMismatchException">The table has no id or vector column, or a column of another type.</exception>
    public static VectorTableDefinition FromArrow(string table, string database, ArrowSchema schema)
    {
        var fields = schema.FieldsList;
        var id = fields.FirstOrDefault(f => f.Name == "id" && f.DataType is StringType) ?? fields.FirstOrDefault(f => f.DataType is StringType);
        var vectors = fields.Where(f => f.DataType is FixedSizeListType { ValueDataType: FloatType }).ToList();
        var vector = vectors.FirstOrDefault(f => f.Name == "vector") ?? (vectors.Count == 1 ? vectors[0] : null);
        var problems = new List<string>();
        if (id is null)
        {
            problems.Add("has no utf8 id column");
        }

        if (vector is null)
        {
            problems.Add(vectors.Count == 0
                ? "has no vector column (a fixed-size list of float32)"
                : $"has several vector columns ({string.Join(", ", vectors.Select(v => $"'{v.Name}'"))}) and none is named 'vector'");
        }

        var columns = new List<RecordColumn>();
        foreach (var field in fields.Where(f => f != id && f != vector))
        {
            if (RecordType(field.DataType) is { } type)
            {
                columns.Add(new RecordColumn(field.Name, type, field.IsNullable));
            }
            else
            {
                problems.Add($"has column '{field.Name}' as {Describe(field.DataType)}, which a vector table cannot hold");
            }
        }

        if (problems.Count > 0)
        {
            throw new LanceSchemaMismatchException(table, database, problems);
        }

        return new VectorTableDefinition(table, columns, ((FixedSizeListType)vector!.DataType).ListSize)
        {
            IdColumn = id!.Name,
            VectorColumn = vector.Name,
            Metadata = schema.Metadata is { } metadata ? new Dictionary<string, string>(metadata, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal),
        };
    }

    /// <summary>Lists how an existing table's schema differs from the schema a run writes; empty when it does not.</summary>
    public static List<string> Differences(ArrowSchema table, ArrowSchema run, string vectorColumn)
    {
        var problems = new List<string>();
        var tableNames = table.FieldsList.Select(f => f.Name).ToList();
        var runNames = run.FieldsList.Select(f => f.Name).ToList();
        foreach (var wanted in run.FieldsList)
        {
            var existing = table.FieldsList.FirstOrDefault(f => f.Name == wanted.Name);
            if (existing is null)
            {
                problems.Add($"has no column '{wanted.Name}'; this run writes {Describe(wanted.DataType)}");
            }
            else if (wanted.Name == vectorColumn && existing.DataType is FixedSizeListType have && wanted.DataType is FixedSizeListType want && have.ValueDataType is FloatType)
            {
                if (have.ListSize != want.ListSize)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"has vectors of dimension {have.ListSize} in '{wanted.Name}'; this run writes {want.ListSize}"));
                }
            }
            else if (Describe(existing.DataType) != Describe(wanted.DataType))
            {
                problems.Add($"has column '{wanted.Name}' as {Describe(existing.DataType)}; this run writes {Describe(wanted.DataType)}");
            }
            else if (!existing.IsNullable && wanted.IsNullable)
            {
                problems.Add($"has column '{wanted.Name}' as non-null {Describe(existing.DataType)}; this run writes nulls into it");
            }
        }

        foreach (var extra in table.FieldsList.Where(f => !runNames.Contains(f.Name, StringComparer.Ordinal)))
        {
            problems.Add($"has column '{extra.Name}' as {Describe(extra.DataType)}, which this run does not write");
        }

        if (problems.Count == 0 && !tableNames.SequenceEqual(runNames, StringComparer.Ordinal))
        {
            problems.Add($"has its columns in the order {string.Join(", ", tableNames)}; this run writes {string.Join(", ", runNames)}");
        }

        return problems;
    }

    /// <summary>Gets the record column type of an Arrow type, or null when a record column cannot have it.</summary>
    public static RecordColumnType? RecordType(IArrowType type) => type switch
    {
        StringType => RecordColumnType.String,
        Int32Type => RecordColumnType.Int32,
        Int64Type => RecordColumnType.Int64,
        FloatType => RecordColumnType.Float,
        DoubleType => RecordColumnType.Double,
        BooleanType => RecordColumnType.Boolean,
        Date32Type => RecordColumnType.Date,
        TimestampType { Unit: TimeUnit.Microsecond, Timezone: TimestampZone } => RecordColumnType.Timestamp,
        _ => null,
    };

    /// <summary>Names a type as Lance does in logical types (<c>int64</c>, <c>double</c>, <c>fixed_size_list:float:4</c>).</summary>
    public static string Describe(IArrowType type) => LanceSchemaConverter.LogicalTypeOf(type) ?? type.Name;
}
