using Apache.Arrow;
using Connectomics.Storage.Arrow;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// A record batch read by <see cref="ParquetArrowReader"/>, with where it lies in its file: the position of its first
/// row (<see cref="Start"/>) and the position after it (<see cref="Next"/>, from which reading resumes).
/// </summary>
/// <remarks>
/// The batch lives in native memory owned by this instance: dispose it when done. Arrays taken from
/// <see cref="RecordBatch"/> are valid until then; <see cref="ToFloatVectors"/> returns managed memory that stays
/// valid after. A batch never spans two row groups, so <see cref="Start"/> names its row group.
/// </remarks>
public sealed class ParquetArrowBatch : IDisposable
{
    private readonly RecordBatch _owner;
    private bool _disposed;

    internal ParquetArrowBatch(RecordBatch owner, int first, ParquetReadPosition start, ParquetReadPosition next)
    {
        _owner = owner;
        RecordBatch = first == 0 ? owner : owner.Slice(first, owner.Length - first);
        Start = start;
        Next = next;
    }

    /// <summary>Gets the rows, every column of the file.</summary>
    public RecordBatch RecordBatch { get; }

    /// <summary>Gets the number of rows.</summary>
    public int Length => RecordBatch.Length;

    /// <summary>Gets the position of the first row: file, row group and row within the row group.</summary>
    public ParquetReadPosition Start { get; }

    /// <summary>Gets the position after the last row, from which a later read continues.</summary>
    public ParquetReadPosition Next { get; }

    /// <summary>
    /// Turns a list, large list or fixed-size list column of float or double into vectors of type
    /// <c>FixedSizeList&lt;float32, D&gt;</c> (<see cref="FloatVectors.CreateType"/>), in managed memory.
    /// Doubles are rounded to the nearest float.
    /// </summary>
    /// <param name="column">The column name.</param>
    /// <param name="dimension">The number of values every vector must have; null takes it from the first row.</param>
    /// <returns>The vectors, one per row; valid after this batch is disposed.</returns>
    /// <exception cref="ParquetInputException">
    /// The column is missing (<see cref="ParquetInputError.ColumnMissing"/>) or not a list of float or double
    /// (<see cref="ParquetInputError.ColumnType"/>); a vector or a value in one is null
    /// (<see cref="ParquetInputError.NullValue"/>); or a vector has another number of values
    /// (<see cref="ParquetInputError.VectorLength"/>). The exception names the file, row group, row and column.
    /// </exception>
    public FixedSizeListArray ToFloatVectors(string column, int? dimension = null)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (dimension is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, 1, nameof(dimension));
        }

        var index = RecordBatch.Schema.GetFieldIndex(column, StringComparer.Ordinal);
        if (index < 0)
        {
            throw new ParquetInputException(
                ParquetInputError.ColumnMissing,
                $"there is no column '{column}' (the columns are {string.Join(", ", RecordBatch.Schema.FieldsList.Select(f => $"'{f.Name}'"))}).",
                Start.FilePath,
                Start.RowGroup,
                column: column);
        }

        var array = RecordBatch.Column(index);
        var vectors = FloatVectorConversion.TryConvert(array, dimension, out var problem);
        if (vectors is not null)
        {
            return vectors;
        }

        problem ??= new FloatVectorProblem(FloatVectorProblemKind.Type, null, "the column cannot be read as vectors.");

        var error = problem.Kind switch
        {
            FloatVectorProblemKind.Type => ParquetInputError.ColumnType,
            FloatVectorProblemKind.Null => ParquetInputError.NullValue,
            FloatVectorProblemKind.Length => ParquetInputError.VectorLength,
            _ => ParquetInputError.Unspecified,
        };
        var message = problem.Kind == FloatVectorProblemKind.Type ? $"the column is {array.Data.DataType.Name}; {problem.Message}" : problem.Message;
        throw new ParquetInputException(
            error, message, Start.FilePath, Start.RowGroup, problem.Row is { } row ? Start.RowOffset + row : null, column);
    }

    /// <summary>Releases the batch's native memory. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _owner.Dispose();
        }
    }
}
