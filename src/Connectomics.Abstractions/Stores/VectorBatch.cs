namespace Connectomics.Stores;

/// <summary>
/// Rows for a vector table: ids, the record columns' values (one array per column of the table definition, one value
/// per row, null for a missing value) and the vectors packed row after row.
/// </summary>
public sealed class VectorBatch
{
    /// <summary>Initializes a batch.</summary>
    /// <param name="ids">The rows' ids.</param>
    /// <param name="columns">One array of values per record column, each as long as <paramref name="ids"/>.</param>
    /// <param name="vectors">The vectors, <paramref name="dimension"/> values per row, row after row.</param>
    /// <param name="dimension">The length of each vector.</param>
    /// <exception cref="ArgumentException">A column or the vectors do not match the number of rows.</exception>
    public VectorBatch(IReadOnlyList<string> ids, IReadOnlyList<IReadOnlyList<object?>> columns, ReadOnlyMemory<float> vectors, int dimension)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        for (var c = 0; c < columns.Count; c++)
        {
            if (columns[c].Count != ids.Count)
            {
                throw new ArgumentException($"Column {c} holds {columns[c].Count} values for {ids.Count} rows.", nameof(columns));
            }
        }

        if (vectors.Length != (long)ids.Count * dimension)
        {
            throw new ArgumentException($"{vectors.Length} vector values do not make {ids.Count} vectors of {dimension}.", nameof(vectors));
        }

        Ids = ids;
        Columns = columns;
        Vectors = vectors;
        Dimension = dimension;
    }

    /// <summary>Gets the rows' ids.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>Gets the record columns' values, one list per column.</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Columns { get; }

    /// <summary>Gets the vectors, row after row.</summary>
    public ReadOnlyMemory<float> Vectors { get; }

    /// <summary>Gets the length of each vector.</summary>
    public int Dimension { get; }

    /// <summary>Gets the number of rows.</summary>
    public int Count => Ids.Count;
}
