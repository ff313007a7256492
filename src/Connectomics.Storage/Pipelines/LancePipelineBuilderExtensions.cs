using Connectomics.Storage.Lance;

namespace Connectomics.Pipelines;

/// <summary>Sends an embedding pipeline's rows to a Lance table (<see cref="LanceVectorStore"/>).</summary>
public static class LancePipelineBuilderExtensions
{
    /// <summary>
    /// Writes the rows to the table <paramref name="table"/> of the LanceDB database directory
    /// <paramref name="database"/> (<c>&lt;database&gt;/&lt;table&gt;.lance</c>), created when missing.
    /// </summary>
    /// <typeparam name="TRecord">The type of the pipeline's records.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="database">The database directory.</param>
    /// <param name="table">The table's name.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingPipelineBuilder<TRecord> ToLance<TRecord>(this EmbeddingPipelineBuilder<TRecord> builder, string database, string table)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.To(LanceVectorStore.Open(database), table);
    }
}
