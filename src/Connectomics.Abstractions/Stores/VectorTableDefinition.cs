namespace Connectomics.Stores;

/// <summary>
/// The table a pipeline writes: its name, the id column, the record columns and the vector's dimension, and the
/// metadata stamped on it when it is created (the model, its fingerprint, pooling, normalisation).
/// </summary>
/// <param name="Name">The table's name in its store.</param>
/// <param name="Columns">The record columns, in order, after the id column.</param>
/// <param name="Dimension">The length of every vector.</param>
public sealed record VectorTableDefinition(string Name, IReadOnlyList<RecordColumn> Columns, int Dimension)
{
    /// <summary>Gets the name of the id column.</summary>
    /// <value>The default value is <c>id</c>.</value>
    public string IdColumn { get; init; } = "id";

    /// <summary>Gets the name of the vector column.</summary>
    /// <value>The default value is <c>vector</c>, the column LanceDB searches by default.</value>
    public string VectorColumn { get; init; } = "vector";

    /// <summary>Gets the table metadata written when the table is created.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
