using System.Security.Cryptography;
using Connectomics.Chunks;
using Connectomics.Storage.Parquet;
using Connectomics.Durability.Testing;
using ParquetSharp;

namespace Connectomics.Storage.Tests.Parquet;

public sealed class ParquetQuarantineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static List<T> Column<T>(ParquetFileReader reader, int column)
    {
        using var group = reader.RowGroup(0);
        using var logical = group.Column(column).LogicalReader<T>();
        return [.. logical.ReadAll((int)group.MetaData.NumRows)];
    }

    [Fact]
    public async Task Each_chunk_is_one_Parquet_file_under_run_and_shard_replaced_when_written_again()
    {
        var quarantine = new ParquetQuarantine(_dir.File("quarantine"));
        var unit = new WorkUnit("2024/reads.parquet#3", 7, new WorkUnitCost(100, 10));
        RejectedRecord[] first =
        [
            new("2024/reads.parquet#3", 40, null, "the id is null") { File = "2024/reads.parquet", Row = 1040, Column = "id", Content = "ACGT" },
            new("2024/reads.parquet#3", 42, "r42", "the sequence is null") { File = "2024/reads.parquet", Row = 1042, Column = "sequence" },
            new("2024/reads.parquet#3", 43, "r43", "too many unknown tokens"),
        ];

        await quarantine.WriteAsync("run-1", new ShardAssignment(2, 4), unit, 40, first);

        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(unit.Key)))[..32];
        var path = Path.Combine(_dir.Path, "quarantine", "run-1", "shard-2-of-4", $"{hash}-40.parquet");
        Assert.Equal(path, quarantine.PathFor("run-1", new ShardAssignment(2, 4), unit.Key, 40));
        Assert.Equal(Path.Combine(_dir.Path, "quarantine"), quarantine.Location);
        Assert.Equal<object?>([$"{hash}-40.parquet"], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        using (var reader = new ParquetFileReader(path))
        {
            Assert.Equal(
                ["unit", "offset", "file", "row", "column", "id", "reason", "content"],
                Enumerable.Range(0, reader.FileMetaData.Schema.NumColumns).Select(i => reader.FileMetaData.Schema.Column(i).Name));
            Assert.Equal<object?>(Enumerable.Repeat("2024/reads.parquet#3", 3), Column<string?>(reader, 0));
            Assert.Equal<long?>([40L, 42L, 43L], Column<long?>(reader, 1));
            Assert.Equal<object?>(["2024/reads.parquet", "2024/reads.parquet", null], Column<string?>(reader, 2));
            Assert.Equal<long?>([1040L, 1042L, null], Column<long?>(reader, 3));
            Assert.Equal<object?>(["id", "sequence", null], Column<string?>(reader, 4));
            Assert.Equal<object?>([null, "r42", "r43"], Column<string?>(reader, 5));
            Assert.Equal<object?>(["the id is null", "the sequence is null", "too many unknown tokens"], Column<string?>(reader, 6));
            Assert.Equal<object?>(["ACGT", null, null], Column<string?>(reader, 7));
        }

        // The chunk done again after a crash: its records replace the earlier ones, once.
        await quarantine.WriteAsync("run-1", new ShardAssignment(2, 4), unit, 40, [first[1]]);

        using (var reader = new ParquetFileReader(path))
        {
            Assert.Equal<object?>(["r42"], Column<string?>(reader, 5));
        }

        Assert.Single(Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task A_temporary_file_left_by_a_killed_attempt_at_the_chunk_is_removed_by_the_next_write()
    {
        var quarantine = new ParquetQuarantine(_dir.File("quarantine"));
        var unit = new WorkUnit("reads.fa", 0, new WorkUnitCost(100));
        var path = quarantine.PathFor("run-1", ShardAssignment.Single, unit.Key, 0);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stale = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, [1, 2, 3]);
        var otherChunk = quarantine.PathFor("run-1", ShardAssignment.Single, unit.Key, 1024);
        var otherStale = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(otherChunk)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(otherStale, [4]);

        await quarantine.WriteAsync("run-1", ShardAssignment.Single, unit, 0, [new RejectedRecord("reads.fa", 3, "r3", "empty sequence")]);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(otherStale), "Only the written chunk's leftovers are its own.");
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Run_ids_that_are_not_one_directory_name_and_empty_writes_are_refused()
    {
        var quarantine = new ParquetQuarantine(_dir.Path);
        var unit = new WorkUnit("a.fa", 0, new WorkUnitCost(1));
        RejectedRecord[] records = [new("a.fa", 0, "r", "empty sequence")];

        foreach (var runId in new[] { "..", "a/b", "" })
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await quarantine.WriteAsync(runId, ShardAssignment.Single, unit, 0, records));
        }

        await Assert.ThrowsAsync<ArgumentException>(async () => await quarantine.WriteAsync("run", ShardAssignment.Single, unit, 0, []));
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public async Task A_write_flushes_the_file_then_renames_it_over_the_old_one_and_a_failed_flush_keeps_the_old_one()
    {
        var unit = new WorkUnit("a.fa", 0, new WorkUnitCost(1));
        var fileSystem = new RecordingFileSystem();
        var quarantine = new ParquetQuarantine(_dir.Path, fileSystem);
        var path = quarantine.PathFor("run", ShardAssignment.Single, unit.Key, 0);

        await quarantine.WriteAsync("run", ShardAssignment.Single, unit, 0, [new RejectedRecord("a.fa", 0, "old", "empty sequence")]);

        var temp = fileSystem.Calls.First(c => c.Call == FileSystemCall.FlushFile).Path;
        Assert.Matches(@"/\.[0-9a-f]{32}-0\.parquet\.[0-9a-f]{32}\.tmp$", temp);
        Assert.Equal(
            [
                new RecordedCall(FileSystemCall.FlushFile, temp, null, true),
                new RecordedCall(FileSystemCall.Rename, temp, path, true),
                new RecordedCall(FileSystemCall.FlushDirectory, Path.GetDirectoryName(path)!, null, true),
            ],
            fileSystem.Calls.SkipWhile(c => c.Call != FileSystemCall.FlushFile));

        var failing = new ParquetQuarantine(_dir.Path, new RecordingFileSystem((call, _) => call == FileSystemCall.FlushFile));
        var error = await Assert.ThrowsAsync<ParquetOutputException>(async () =>
            await failing.WriteAsync("run", ShardAssignment.Single, unit, 0, [new RejectedRecord("a.fa", 0, "new", "empty sequence")]));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
        using var reader = new ParquetFileReader(path);
        Assert.Equal<string?>(["old"], Column<string?>(reader, 5));
    }
}
