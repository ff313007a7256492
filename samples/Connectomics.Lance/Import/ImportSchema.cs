using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Lance.Commands;
using Connectomics.Lance.Tables;
using Connectomics.Storage.Arrow;
using Connectomics.Storage.Parquet;

namespace Connectomics.Lance.Import;

/// <summary>
/// How the columns of a Parquet file become the columns of a Lance table: the chosen vector column becomes
/// <c>vector</c> (<c>FixedSizeList&lt;float32, D&gt;</c>) in its place, every other column is carried as it is.
/// </summary>
internal sealed class ImportSchema
{
    public const string VectorColumn = "vector";

    private ImportSchema(Schema source, int vectorIndex, string vectorSourceName)
    {
        Source = source;
        VectorIndex = vectorIndex;
        VectorSourceName = vectorSourceName;
        var vectorType = source.FieldsList[vectorIndex].DataType;
        FixedDimension = vectorType is FixedSizeListType fixedSize ? fixedSize.ListSize : null;
    }

    public Schema Source { get; }

    public int VectorIndex { get; }

    public string VectorSourceName { get; }

    /// <summary>Gets the dimension the file's type fixes (a fixed-size list), or null when each row says (a list).</summary>
    public int? FixedDimension { get; }

    public static ImportSchema For(ParquetArrowReader file, string vectorColumn)
    {
        var fields = file.Schema.FieldsList;
        var vectorIndex = fields.Select(f => f.Name).ToList().IndexOf(vectorColumn);
        if (vectorIndex < 0)
        {
            throw new CommandInputException($"'{file.FilePath}': no column '{vectorColumn}' (the columns are {string.Join(", ", fields.Select(f => $"'{f.Name}'"))}).");
        }

        var vectorType = fields[vectorIndex].DataType;
        if (!FloatVectors.IsConvertible(vectorType))
        {
            throw new CommandInputException(
                $"'{file.FilePath}': column '{vectorColumn}' is {ArrowTypeText.Of(vectorType)}; a vector column must be a list, large list or fixed-size list of float or double.");
        }

        for (var i = 0; i < fields.Count; i++)
        {
            if (i == vectorIndex)
            {
                continue;
            }

            if (fields[i].Name == VectorColumn)
            {
                throw new CommandInputException($"'{file.FilePath}': column '{VectorColumn}' clashes with the name the vector column '{vectorColumn}' gets in the table.");
            }

            if (!IsCarried(fields[i].DataType))
            {
                throw new CommandInputException(
                    $"'{file.FilePath}': column '{fields[i].Name}' is {ArrowTypeText.Of(fields[i].DataType)}, which a Lance table written here cannot hold (strings, binary, integers, float, double, bool, date32 and timestamps can).");
            }
        }

        return new ImportSchema(file.Schema, vectorIndex, vectorColumn);
    }

    /// <summary>Gets the table schema for vectors of <paramref name="dimension"/> values.</summary>
    public Schema ToTableSchema(int dimension)
    {
        var builder = new Schema.Builder();
        for (var i = 0; i < Source.FieldsList.Count; i++)
        {
            builder.Field(i == VectorIndex ? VectorField(dimension) : Source.FieldsList[i]);
        }

        return builder.Build();
    }

    /// <summary>Describes how another file's columns differ from these, or returns null when they agree.</summary>
    public string? DifferenceFrom(ImportSchema other)
    {
        var mine = Describe(this);
        var theirs = Describe(other);
        if (mine.SequenceEqual(theirs))
        {
            return null;
        }

        return $"its columns are {string.Join(", ", theirs)} but the first file's are {string.Join(", ", mine)}";
    }

    public static Field VectorField(int dimension) => new(VectorColumn, FloatVectors.CreateType(dimension), false);

    private static List<string> Describe(ImportSchema schema) =>
        [.. schema.Source.FieldsList.Select((f, i) => i == schema.VectorIndex ? $"{f.Name} (vector)" : $"{f.Name} ({ArrowTypeText.Of(f.DataType)})")];

    private static bool IsCarried(IArrowType type) => type.TypeId is ArrowTypeId.Boolean or ArrowTypeId.String or ArrowTypeId.LargeString
        or ArrowTypeId.Binary or ArrowTypeId.LargeBinary or ArrowTypeId.Int8 or ArrowTypeId.UInt8 or ArrowTypeId.Int16 or ArrowTypeId.UInt16
        or ArrowTypeId.Int32 or ArrowTypeId.UInt32 or ArrowTypeId.Int64 or ArrowTypeId.UInt64 or ArrowTypeId.Float or ArrowTypeId.Double
        or ArrowTypeId.Date32 or ArrowTypeId.Timestamp;
}
