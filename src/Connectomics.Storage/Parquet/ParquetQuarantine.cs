using System.Globalization;
using System.Security.Cryptography;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Chunks;
using Connectomics.Durability;
using Connectomics.Pipelines;
using ParquetSharp;
using ArrowFileWriter = ParquetSharp.Arrow.FileWriter;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// Keeps rejected records as Parquet files under a directory, one file per chunk:
/// <c>&lt;directory&gt;/&lt;run&gt;/shard-&lt;i&gt;-of-&lt;N&gt;/&lt;hash of the unit key&gt;-&lt;chunk offset&gt;.parquet</c>, with
/// the columns <c>unit</c>, <c>offset</c>, <c>file</c>, <c>row</c>, <c>column</c>, <c>id</c>, <c>reason</c> and
/// <c>content</c> (nullable strings; <c>offset</c> and <c>row</c> are int64).
/// </summary>
/// <remarks>
/// Each file is written whole or not at all: to a hidden temporary file in the same directory, flushed to storage,
/// then renamed over any earlier write of the same chunk, after which the directory is flushed. A chunk quarantined
/// again after a crash therefore leaves its records once. The hash is the first 32 hexadecimal digits of the SHA-256
/// of the unit key's UTF-8 bytes, which keeps names short and free of the key's <c>/</c> and <c>#</c>; the key itself
/// is in the <c>unit</c> column. Writes of different chunks may run at once.
/// </remarks>
public sealed class ParquetQuarantine : IRecordQuarantine
{
    private static readonly Schema FileSchema = new Schema.Builder()
        .Field(f => f.Name("unit").DataType(StringType.Default).Nullable(true))
        .Field(f => f.Name("offset").DataType(Int64Type.Default).Nullable(true))
        .Field(f => f.Name("file").DataType(StringType.Default).Nullable(true))
        .Field(f => f.Name("row").DataType(Int64Type.Default).Nullable(true))
        .Field(f => f.Name("column").DataType(StringType.Default).Nullable(true))
        .Field(f => f.Name("id").DataType(StringType.Default).Nullable(true))
        .Field(f => f.Name("reason").DataType(StringType.Default).Nullable(true))
        .Field(f => f.Name("content").DataType(StringType.Default).Nullable(true))
        .Build();

    private readonly IDurableFileSystem _fileSystem;

    /// <summary>Initializes a new instance of the <see cref="ParquetQuarantine"/> class.</summary>
    /// <param name="directory">The directory; created, with the run and shard directories, on the first write.</param>
    public ParquetQuarantine(string directory)
        : this(directory, OperatingSystemFileSystem.Instance)
    {
    }

    /// <summary>Initializes a quarantine that writes through <paramref name="fileSystem"/>.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="fileSystem">Flushes and publishes the files.</param>
    internal ParquetQuarantine(string directory, IDurableFileSystem fileSystem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(fileSystem);
        Location = Path.GetFullPath(directory);
        _fileSystem = fileSystem;
    }

    /// <inheritdoc/>
    /// <remarks>The full path of the directory.</remarks>
    public string Location { get; }

    /// <summary>Gets the file that <see cref="WriteAsync"/> writes for a chunk.</summary>
    /// <param name="runId">The run: a name usable as one directory (no separators, not <c>.</c> or <c>..</c>).</param>
    /// <param name="shard">The shard.</param>
    /// <param name="unitKey">The key of the chunk's unit.</param>
    /// <param name="chunkOffset">The chunk's offset in the unit.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="ArgumentException">The run id cannot be a directory name.</exception>
    public string PathFor(string runId, ShardAssignment shard, string unitKey, long chunkOffset)
    {
        CheckRunId(runId);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentException.ThrowIfNullOrEmpty(unitKey);
        ArgumentOutOfRangeException.ThrowIfNegative(chunkOffset);
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(unitKey)))[..32];
        return Path.Combine(
            Location,
            runId,
            string.Create(CultureInfo.InvariantCulture, $"shard-{shard.Index}-of-{shard.Count}"),
            string.Create(CultureInfo.InvariantCulture, $"{hash}-{chunkOffset}{ParquetSequenceDefaults.FileExtension}"));
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The run id cannot be a directory name, or <paramref name="records"/> is empty.</exception>
    /// <exception cref="ParquetOutputException">The file cannot be written or moved into place; an earlier write of
    /// the chunk is left as it was.</exception>
    public ValueTask WriteAsync(string runId, ShardAssignment shard, WorkUnit unit, long chunkOffset, IReadOnlyList<RejectedRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            throw new ArgumentException("A quarantine write needs at least one rejected record.", nameof(records));
        }

        var path = PathFor(runId, shard, unit.Key, chunkOffset);
        cancellationToken.ThrowIfCancellationRequested();
        var tempPath = DurableFile.TempPathFor(path);
        try
        {
            var directory = Path.GetDirectoryName(path)!;
            DurableFile.CreateDirectory(_fileSystem, directory);

            // A process killed between writing a chunk's temporary file and renaming it leaves the file behind; only
            // this run and shard write this chunk, so an earlier attempt's temporary file is stale.
            foreach (var stale in Directory.EnumerateFiles(directory, $".{Path.GetFileName(path)}.*.tmp"))
            {
                DurableFile.DeleteQuietly(_fileSystem, stale);
            }

            using (var batch = ToBatch(records))
            {
                using var writer = new ArrowFileWriter(tempPath, FileSchema);
                writer.WriteRecordBatch(batch);
                writer.Close();
            }

            DurableFile.FlushExisting(_fileSystem, tempPath);
            DurableFile.Publish(_fileSystem, tempPath, path);
        }
        catch (Exception e) when (e is ParquetException or IOException or UnauthorizedAccessException)
        {
            DurableFile.DeleteQuietly(_fileSystem, tempPath);
            throw new ParquetOutputException($"the quarantined records cannot be written ({NativeErrorText.Of(e)}).", path, innerException: e);
        }

        return ValueTask.CompletedTask;
    }

    private static RecordBatch ToBatch(IReadOnlyList<RejectedRecord> records)
    {
        var unit = new StringArray.Builder();
        var offset = new Int64Array.Builder();
        var file = new StringArray.Builder();
        var row = new Int64Array.Builder();
        var column = new StringArray.Builder();
        var id = new StringArray.Builder();
        var reason = new StringArray.Builder();
        var content = new StringArray.Builder();
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            Append(unit, record.UnitKey);
            offset.Append(record.Offset);
            Append(file, record.File);
            if (record.Row is { } r)
            {
                row.Append(r);
            }
            else
            {
                row.AppendNull();
            }

            Append(column, record.Column);
            Append(id, record.RecordId);
            Append(reason, record.Reason);
            Append(content, record.Content);
        }

        return new RecordBatch(
            FileSchema,
            [unit.Build(), offset.Build(), file.Build(), row.Build(), column.Build(), id.Build(), reason.Build(), content.Build()],
            records.Count);

        static void Append(StringArray.Builder builder, string? value)
        {
            if (value is null)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(value);
            }
        }
    }

    private static void CheckRunId(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (runId is "." or ".." || runId.IndexOfAny(['/', '\\']) >= 0 || runId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"The run id '{runId}' cannot name a directory of the quarantine.", nameof(runId));
        }
    }
}
