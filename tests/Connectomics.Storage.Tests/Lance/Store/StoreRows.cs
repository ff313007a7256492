using Connectomics.Chunks;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Telemetry;
using Connectomics.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Storage.Tests.Lance.Store;

/// <summary>Vector table definitions, rows and tags for the vector store tests.</summary>
internal static class StoreRows
{
    /// <summary>A table with one column of every record column type, and metadata.</summary>
    public static VectorTableDefinition Wide(string name = "sequences", int dimension = 3) =>
        new(name,
            [
                new RecordColumn("label", RecordColumnType.String),
                new RecordColumn("length", RecordColumnType.Int32, Nullable: false),
                new RecordColumn("depth", RecordColumnType.Int64),
                new RecordColumn("gc", RecordColumnType.Float),
                new RecordColumn("quality", RecordColumnType.Double),
                new RecordColumn("paired", RecordColumnType.Boolean),
                new RecordColumn("sampled", RecordColumnType.Date),
                new RecordColumn("read_at", RecordColumnType.Timestamp),
            ],
            dimension)
        {
            Metadata = new Dictionary<string, string> { ["connectomics.model"] = "nt-v2-50m", ["connectomics.fingerprint"] = "sha256:abc" },
        };

    /// <summary>A table with only a depth column.</summary>
    public static VectorTableDefinition Narrow(string name = "t", int dimension = 2, RecordColumnType depth = RecordColumnType.Int64) =>
        new(name, [new RecordColumn("depth", depth)], dimension);

    /// <summary>Rows of <see cref="Narrow"/>: ids "&lt;prefix&gt;-&lt;k&gt;", depth k, vector (k, −k).</summary>
    public static VectorBatch Narrow(string prefix, int rows) =>
        new(
            [.. Enumerable.Range(0, rows).Select(k => $"{prefix}-{k}")],
            [[.. Enumerable.Range(0, rows).Select(k => (object?)(long)k)]],
            Enumerable.Range(0, rows).SelectMany(k => new[] { (float)k, -k }).ToArray(),
            2);

    public static CommitTag Tag(string run, ShardAssignment shard, long offset, long rowsWritten = 0) =>
        new(run, shard, WorkPosition.Within("input.parquet", offset)) { RowsWritten = rowsWritten, RecordsRead = offset };

    /// <summary>A store whose writers cut files of at most <paramref name="rowsPerFile"/> rows.</summary>
    public static LanceVectorStore SmallFiles(string directory, int rowsPerFile) =>
        LanceVectorStore.Open(directory, StorageTelemetry.Shared, NullLogger.Instance, new LanceWriteOptions { MaxRowsPerFragment = rowsPerFile, MinRowsPerPage = 2 });

    public static List<string> Ids(IEnumerable<VectorMatch> matches) => [.. matches.Select(m => m.Id)];
}
