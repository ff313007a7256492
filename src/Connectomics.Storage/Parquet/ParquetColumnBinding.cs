using Apache.Arrow;

namespace Connectomics.Storage.Parquet;

/// <summary>The columns of one file that feed the record shape, checked against its schema.</summary>
internal sealed class ParquetColumnBinding
{
    private ParquetColumnBinding(int[] leafIndices, string idColumn, string sequenceColumn, string[] metadataColumns)
    {
        LeafIndices = leafIndices;
        IdColumn = idColumn;
        SequenceColumn = sequenceColumn;
        MetadataColumns = metadataColumns;
    }

    /// <summary>Gets the Parquet leaf-column indices to read.</summary>
    public int[] LeafIndices { get; }

    public string IdColumn { get; }

    public string SequenceColumn { get; }

    public string[] MetadataColumns { get; }

    /// <summary>Maps the options onto a file's schema.</summary>
    /// <param name="filePath">The file, for errors.</param>
    /// <param name="schema">The file's Arrow schema.</param>
    /// <param name="leafIndexOfField">The Parquet leaf-column index of each top-level field (-1 for nested fields).</param>
    /// <param name="options">The column mapping.</param>
    /// <exception cref="ParquetInputException">A column is missing or of an unsupported type.</exception>
    public static ParquetColumnBinding Create(string filePath, Schema schema, IReadOnlyList<int> leafIndexOfField, ParquetSequenceSourceOptions options)
    {
        var metadata = options.IncludeAllOtherColumns
            ? schema.FieldsList.Select(f => f.Name).Where(n => n != options.IdColumn && n != options.SequenceColumn).ToArray()
            : [.. options.MetadataColumns];
        var leaves = new List<int>(metadata.Length + 2);

        var id = Require(options.IdColumn);
        if (!ArrowValues.IsString(id.DataType) && !ArrowValues.IsInteger(id.DataType))
        {
            throw WrongType(options.IdColumn, id, "the id column must be a string or integer column");
        }

        var sequence = Require(options.SequenceColumn);
        if (!ArrowValues.IsString(sequence.DataType))
        {
            throw WrongType(options.SequenceColumn, sequence, "the sequence column must be a string column");
        }

        foreach (var name in metadata)
        {
            var field = Require(name);
            if (!ArrowValues.IsSupportedMetadata(field.DataType))
            {
                throw WrongType(name, field, $"metadata columns must have one of the types {ArrowValues.SupportedMetadataTypes}");
            }
        }

        leaves.Sort();
        return new ParquetColumnBinding([.. leaves], options.IdColumn, options.SequenceColumn, metadata);

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
