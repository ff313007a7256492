namespace Connectomics.Stores;

/// <summary>A place that holds vector tables (a LanceDB database directory, say).</summary>
public interface IVectorStore
{
    /// <summary>Gets where the store is, for messages.</summary>
    string Location { get; }

    /// <summary>
    /// Opens the table <paramref name="definition"/> names, creating it (empty, with the definition's metadata) when it
    /// does not exist. Several processes may do this at once; one creates the table and the others open it.
    /// </summary>
    /// <param name="definition">The table.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The table.</returns>
    /// <exception cref="ConnectomicsException">
    /// The table exists with other columns, column types or dimension; the message names the table and the difference.
    /// </exception>
    Task<IVectorTable> OpenTableAsync(VectorTableDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Opens an existing table to read and search it.</summary>
    /// <param name="name">The table's name.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The table.</returns>
    /// <exception cref="ConnectomicsException">No table has that name; the message names the store.</exception>
    Task<IVectorTable> OpenTableAsync(string name, CancellationToken cancellationToken = default);
}
