using Connectomics.Durability;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Storage.Lance.Table;

/// <summary>What a writer asks <see cref="TableCommitter"/> to commit.</summary>
internal sealed class CommitRequest
{
    public required string TablePath { get; init; }

    /// <summary>Gets the transaction operation: <see cref="TransactionInfo.AppendOperation"/> or <see cref="TransactionInfo.OverwriteOperation"/>.</summary>
    public required int Operation { get; init; }

    /// <summary>Gets a value indicating whether the commit must create the table (fail if any version exists).</summary>
    public required bool MustCreate { get; init; }

    /// <summary>Gets the version the write was based on (0 when the table did not exist).</summary>
    public required ulong ReadVersion { get; init; }

    /// <summary>Gets the manifest of <see cref="ReadVersion"/>, or null when the table did not exist.</summary>
    public required LoadedManifest? Base { get; init; }

    public required IReadOnlyList<LanceFieldInfo> Schema { get; init; }

    public required IReadOnlyList<FragmentInfo> NewFragments { get; init; }

    /// <summary>
    /// Gets the schema metadata of a table that the commit creates or overwrites (an append keeps the table's); it
    /// goes into the manifest's <c>schema_metadata</c> and the overwrite transaction.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> SchemaMetadata { get; init; } = new Dictionary<string, byte[]>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the transaction properties recorded with the commit (the transaction's <c>transaction_properties</c>, in
    /// the <c>_transactions</c> file and inline in the manifest): published in the same atomic step as the rows.
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the data storage version recorded for a new table ("2.0" or "2.1").</summary>
    public required string DataFormatVersion { get; init; }

    public required TimeProvider TimeProvider { get; init; }

    /// <summary>Gets the metrics that count commits lost to other writers.</summary>
    public StorageTelemetry Telemetry { get; init; } = StorageTelemetry.Shared;

    /// <summary>Gets the logger of commits lost to other writers.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Gets the file system that flushes the data files' directory and writes and publishes the commit's files.</summary>
    public required IDurableFileSystem FileSystem { get; init; }

    /// <summary>
    /// Gets or sets the version whose manifest the commit published, set as soon as it is under its final name: a
    /// commit that fails after that point (flushing the directory) has still made the version visible, so its data
    /// files must be kept.
    /// </summary>
    public ulong? PublishedVersion { get; set; }
}
