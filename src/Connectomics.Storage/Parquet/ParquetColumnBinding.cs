using Apache.Arrow;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace Connectomics.Storage.Parquet;

/// <summary>The columns of one file that feed the record shape, checked against its schema.</summary>
internal sealed class ParquetColumnBinding
{
    private ParquetColumnBinding(int[] leafIndices, string idColumn, string sequenceColumn, string[] metadataColumns, Field[] metadataFields)
    {
        LeafIndices = leafIndices;
        IdColumn = idColumn;
        SequenceColumn = sequenceColumn;
        MetadataColumns = metadataColumns;
        MetadataFields = metadataFields;
    }

    /// <summary>Gets the Parquet leaf-column indices to read.</summary>
    public int[] LeafIndices { get; }

    public string IdColumn { get; }

    public string SequenceColumn { get; }

    public string[] MetadataColumns { get; }

    /// <summary>Gets the schema fields of <see cref="MetadataColumns"/>, in the same order.</summary>
    public Field[] MetadataFields { get; }

    /// <summary>Reads a file's schema and maps the id, sequence and metadata columns onto it.</summary>
    /// <param name="reader">The open file.</param>
    /// <param name="filePath">The file, for errors.</param>
    /// <param name="idColumn">The id column.</param>
    /// <param name="sequenceColumn">The sequence column.</param>
    /// <param name="metadataColumns">The metadata columns, when <paramref name="allOthers"/> is off.</param>
    /// <param name="allOthers">Whether every other column of the file is metadata, in file order.</param>
    /// <exception cref="ParquetInputException">The schema cannot be read, or a column is missing or of an unsupported type.</exception>
    public static ParquetColumnBinding Read(FileReader reader, string filePath, string idColumn, string sequenceColumn, IReadOnlyList<string> metadataColumns, bool allOthers)
    {
        Schema schema;
        int[] leaves;
        try
        {
            schema = reader.Schema;
            leaves = [.. reader.SchemaManifest.SchemaFields.Select(f => f.ColumnIndex)];
        }
        catch (ParquetException e)
        {
            throw new ParquetInputException(ParquetInputError.Corrupt, $"the schema cannot be read ({NativeErrorText.Of(e)}).", filePath, innerException: e);
        }

        return Create(filePath, schema, leaves, idColumn, sequenceColumn, metadataColumns, allOthers);
    }

    /// <summary>Maps the options onto a file's schema.</summary>
    /// <param name="filePath">The file, for errors.</param>
    /// <param name="schema">The file's Arrow schema.</param>
    /// <param name="leafIndexOfField">The Parquet leaf-column index of each top-level field (-1 for nested fields).</param>
    /// <param name="options">The column mapping.</param>
    /// <exception cref="ParquetInputException">A column is missing or of an unsupported type.</exception>
    public static ParquetColumnBinding Create(string filePath, Schema schema, IReadOnlyList<int> leafIndexOfField, ParquetSequenceSourceOptions options) =>
        Create(filePath, schema, leafIndexOfField, options.IdColumn, options.SequenceColumn, [.. options.MetadataColumns], options.IncludeAllOtherColumns);

    /// <summary>Maps the id, sequence and metadata columns onto a file's schema.</summary>
    /// <param name="filePath">The file, for errors.</param>
    /// <param name="schema">The file's Arrow schema.</param>
    /// <param name="leafIndexOfField">The Parquet leaf-column index of each top-level field (-1 for nested fields).</param>
    /// <param name="idColumn">The id column.</param>
    /// <param name="sequenceColumn">The sequence column.</param>
    /// <param name="metadataColumns">The metadata columns, when <paramref name="allOthers"/> is off.</param>
    /// <param name="allOthers">Whether every other column of the file is metadata, in file order.</param>
    /// <exception cref="ParquetInputException">A column is missing or of an unsupported type.</exception>
    public static ParquetColumnBinding Create(
        string filePath, Schema schema, IReadOnlyList<int> leafIndexOfField, string idColumn, string sequenceColumn, IReadOnlyList<string> metadataColumns, bool allOthers)
    {
        var metadata = allOthers
            ? schema.FieldsList.Select(f => f.Name).Where(n => n != idColumn && n != sequenceColumn).ToArray()
            : [.. metadataColumns];
        var leaves = new List<int>(metadata.Length + 2);

        var id = Require(idColumn);
        if (!ArrowValues.IsString(id.DataType) && !ArrowValues.IsInteger(id.DataType))
        {
            throw WrongType(idColumn, id, "the id column must be a string or integer column");
        }

        var sequence = Require(sequenceColumn);
        if (!ArrowValues.IsString(sequence.DataType))
        {
            throw WrongType(sequenceColumn, sequence, "the sequence column must be a string column");
        }

        var fields = new Field[metadata.Length];
        for (var m = 0; m < metadata.Length; m++)
        {
            var field = Require(metadata[m]);
            if (!ArrowValues.IsSupportedMetadata(field.DataType))
            {
                throw WrongType(metadata[m], field, $"metadata columns must have one of the types {ArrowValues.SupportedMetadataTypes}");
            }

            fields[m] = field;
        }

        leaves.Sort();
        return new ParquetColumnBinding([.. leaves], idColumn, sequenceColumn, metadata, fields);

        Field Require(string name)
        {
            var index = schema.GetFieldIndex(name, StringComparer.Ordinal);
            if (index < 0)
            {
                var available = string.Join(", ", schema.FieldsList.Select(f => $"'{f.Name}'"));
                throw new ParquetInputException(
                    ParquetInputError.ColumnMissing, $"the column does not exist; the file has columns {available}.", filePath, column: name);
            }

            var field = schema.GetFieldByIndex(index);
            var leaf = leafIndexOfField[index];
            if (leaf < 0)
            {
                throw WrongType(name, field, "nested columns cannot be read");
            }

            leaves.Add(leaf);
            return field;
        }

        ParquetInputException WrongType(string name, Field field, string rule) => new(
            ParquetInputError.ColumnType, $"the column has type {ArrowValues.Describe(field.DataType)}; {rule}.", filePath, column: name);
    }
}
