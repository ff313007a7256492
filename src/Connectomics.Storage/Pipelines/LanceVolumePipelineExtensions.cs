using Connectomics.Storage.Lance;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Pipelines;

/// <summary>Sends a volume pipeline's rows to a Lance table (<see cref="LanceVectorStore"/>).</summary>
public static class LanceVolumePipelineExtensions
{
    /// <summary>
    /// Writes the rows to the table <paramref name="table"/> of the LanceDB database directory
    /// <paramref name="database"/> (<c>&lt;database&gt;/&lt;table&gt;.lance</c>), created when missing.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="database">The database directory.</param>
    /// <param name="table">The table's name.</param>
    /// <returns>The builder.</returns>
    public static VolumePipelineBuilder ToLance(this VolumePipelineBuilder builder, string database, string table)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.To(LanceVectorStore.Open(database), table);
    }
}
