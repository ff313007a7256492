using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance.Metadata;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance.Schema;

/// <summary>
/// Maps Arrow schemas to Lance field lists and back. Supported columns: booleans, (unsigned) integers, float,
/// double, date32, timestamps, utf8, large utf8, binary, large binary and fixed-size lists of fixed-width
/// numbers (vectors). A fixed-size list of a primitive is one Lance field without a child entry.
/// </summary>
internal static class LanceSchemaConverter
{
    private const int PlainEncoding = 1;
    private const int VarBinaryEncoding = 2;

    public static List<LanceFieldInfo> ToLance(ArrowSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var fields = new List<LanceFieldInfo>(schema.FieldsList.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < schema.FieldsList.Count; i++)
        {
            var field = schema.FieldsList[i];
            if (string.IsNullOrEmpty(field.Name) || !names.Add(field.Name))
            {
                throw new ArgumentException($"Column names must be non-empty and unique ('{field.Name}').", nameof(schema));
            }

            var logical = LogicalTypeOf(field.DataType)
                ?? throw new ArgumentException($"Column '{field.Name}' has type {field.DataType.Name}, which Lance tables written by this library do not support.", nameof(schema));
            var kind = Describe(field.DataType)!.Kind;
            var info = new LanceFieldInfo
            {
                Name = field.Name,
                Id = i,
                ParentId = -1,
                LogicalType = logical,
                Nullable = field.IsNullable,
                Encoding = kind is ColumnKind.String or ColumnKind.Binary ? VarBinaryEncoding : PlainEncoding,
            };
            if (field.HasMetadata)
            {
                foreach (var (key, value) in field.Metadata)
                {
                    info.Metadata[key] = System.Text.Encoding.UTF8.GetBytes(value);
                }
            }

            fields.Add(info);
        }

        return fields;
    }

    /// <summary>Builds the Arrow schema of the top-level fields.</summary>
    public static ArrowSchema ToArrow(IReadOnlyList<LanceFieldInfo> fields, IReadOnlyDictionary<string, byte[]>? schemaMetadata = null)
    {
        var childIds = fields.Where(f => f.ParentId != -1).Select(f => f.ParentId).ToHashSet();
        var builder = new ArrowSchema.Builder();
        foreach (var field in fields.Where(f => f.ParentId == -1))
        {
            if (childIds.Contains(field.Id))
            {
                throw new LanceFormatException($"Column '{field.Name}' ({field.LogicalType}) is nested; nested columns are not read by this library.");
            }

            builder.Field(ToArrowField(field));
        }

        if (schemaMetadata is not null)
        {
            foreach (var (key, value) in schemaMetadata)
            {
                builder.Metadata(key, System.Text.Encoding.UTF8.GetString(value));
            }
        }

        return builder.Build();
    }

    public static Field ToArrowField(LanceFieldInfo field)
    {
        var type = ParseLogicalType(field.LogicalType)
            ?? throw new LanceFormatException($"Column '{field.Name}' has logical type '{field.LogicalType}', which this library does not read.");
        var metadata = field.Metadata.Count == 0
            ? null
            : field.Metadata.Select(kv => new KeyValuePair<string, string>(kv.Key, System.Text.Encoding.UTF8.GetString(kv.Value)));
        return new Field(field.Name, type, field.Nullable, metadata);
    }

    /// <summary>Describes the physical layout of a supported type, or returns null.</summary>
    public static ColumnType? Describe(IArrowType type) => type switch
    {
        BooleanType => new(type, ColumnKind.Boolean, 0, 1, false),
        StringType => new(type, ColumnKind.String, 0, 1, false),
        LargeStringType => new(type, ColumnKind.String, 0, 1, true),
        BinaryType => new(type, ColumnKind.Binary, 0, 1, false),
        LargeBinaryType => new(type, ColumnKind.Binary, 0, 1, true),
        FixedSizeListType list when Describe(list.ValueDataType) is { Kind: ColumnKind.FixedWidth } item && list.ListSize > 0
            => new(type, ColumnKind.FixedSizeList, item.ByteWidth, list.ListSize, false),
        FixedWidthType fixedWidth when FixedLogicalType(type) is not null => new(type, ColumnKind.FixedWidth, fixedWidth.BitWidth / 8, 1, false),
        _ => null,
    };

    public static string? LogicalTypeOf(IArrowType type) => type switch
    {
        BooleanType => "bool",
        StringType => "string",
        LargeStringType => "large_string",
        BinaryType => "binary",
        LargeBinaryType => "large_binary",
        FixedSizeListType list when list.ListSize > 0 && FixedLogicalType(list.ValueDataType) is { } item
            => string.Create(CultureInfo.InvariantCulture, $"fixed_size_list:{item}:{list.ListSize}"),
        _ => FixedLogicalType(type),
    };

    private static string? FixedLogicalType(IArrowType type) => type switch
    {
        Int8Type => "int8",
        UInt8Type => "uint8",
        Int16Type => "int16",
        UInt16Type => "uint16",
        Int32Type => "int32",
        UInt32Type => "uint32",
        Int64Type => "int64",
        UInt64Type => "uint64",
        FloatType => "float",
        DoubleType => "double",
        Date32Type => "date32:day",
        TimestampType ts => $"timestamp:{UnitName(ts.Unit)}:{(string.IsNullOrEmpty(ts.Timezone) ? "-" : ts.Timezone)}",
        _ => null,
    };

    public static IArrowType? ParseLogicalType(string logical)
    {
        switch (logical)
        {
            case "bool": return BooleanType.Default;
            case "string": return StringType.Default;
            case "large_string": return LargeStringType.Default;
            case "binary": return BinaryType.Default;
            case "large_binary": return LargeBinaryType.Default;
            case "int8": return Int8Type.Default;
            case "uint8": return UInt8Type.Default;
            case "int16": return Int16Type.Default;
            case "uint16": return UInt16Type.Default;
            case "int32": return Int32Type.Default;
            case "uint32": return UInt32Type.Default;
            case "int64": return Int64Type.Default;
            case "uint64": return UInt64Type.Default;
            case "float": return FloatType.Default;
            case "double": return DoubleType.Default;
            case "date32:day": return Date32Type.Default;
        }

        if (logical.StartsWith("timestamp:", StringComparison.Ordinal))
        {
            var parts = logical.Split(':', 3);
            if (parts.Length == 3 && ParseUnit(parts[1]) is { } unit)
            {
                return new TimestampType(unit, parts[2] == "-" ? (string?)null : parts[2]);
            }

            return null;
        }

        if (logical.StartsWith("fixed_size_list:", StringComparison.Ordinal))
        {
            var last = logical.LastIndexOf(':');
            var inner = logical["fixed_size_list:".Length..last];
            if (int.TryParse(logical.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                && size > 0
                && ParseLogicalType(inner) is { } item
                && Describe(item) is { Kind: ColumnKind.FixedWidth })
            {
                return new FixedSizeListType(new Field("item", item, true), size);
            }
        }

        return null;
    }

    private static string UnitName(TimeUnit unit) => unit switch
    {
        TimeUnit.Second => "s",
        TimeUnit.Millisecond => "ms",
        TimeUnit.Microsecond => "us",
        _ => "ns",
    };

    private static TimeUnit? ParseUnit(string unit) => unit switch
    {
        "s" => TimeUnit.Second,
        "ms" => TimeUnit.Millisecond,
        "us" => TimeUnit.Microsecond,
        "ns" => TimeUnit.Nanosecond,
        _ => null,
    };
}
