using Apache.Arrow;
using Connectomics.Chunks;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Store;
using Connectomics.Storage.Lance.Table;
using Connectomics.Stores;

namespace Connectomics.Storage.Tests.Lance.Store;

/// <summary>The vector store on its own: tables, tags, writers and their files.</summary>
public sealed class LanceVectorStoreTests : IDisposable
{
    private static readonly ShardAssignment Shard0 = new(0, 2);
    private static readonly ShardAssignment Shard1 = new(1, 2);

    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-store-");

    public void Dispose() => _db.Delete(recursive: true);

    private string TablePath(string name = "t") => Path.Combine(_db.FullName, name + ".lance");

    private async Task<List<string>> IdsAsync(string name = "t")
    {
        var ids = new List<string>();
        await foreach (var batch in (await LanceTable.OpenAsync(TablePath(name))).ScanAsync(["id"]))
        {
            var column = (StringArray)batch.Column(0);
            ids.AddRange(Enumerable.Range(0, batch.Length).Select(r => column.GetString(r)));
        }

        return ids;
    }

    [Fact]
    public async Task A_new_table_is_created_empty_with_its_definition_and_metadata_and_read_back_the_same()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        var table = await store.OpenTableAsync(StoreRows.Wide());

        Assert.Equal(1UL, table.Version);
        Assert.Equal(0, table.RowCount);
        Assert.Empty(await table.SearchAsync(new float[] { 1, 2, 3 }, 5));
        var reopened = await store.OpenTableAsync("sequences");
        Assert.Equal(StoreRows.Wide().Columns, reopened.Definition.Columns);
        Assert.Equal(3, reopened.Definition.Dimension);
        Assert.Equal("id", reopened.Definition.IdColumn);
        Assert.Equal("vector", reopened.Definition.VectorColumn);
        Assert.Equal(StoreRows.Wide().Metadata.OrderBy(kv => kv.Key), reopened.Definition.Metadata.OrderBy(kv => kv.Key));
        var schema = (await LanceTable.OpenAsync(TablePath("sequences"))).Schema;
        Assert.Equal(
            ["id:utf8:False", "label:utf8:True", "length:int32:False", "depth:int64:True", "gc:float:True", "quality:double:True", "paired:bool:True", "sampled:date32:True", "read_at:timestamp:True", "vector:fixed_size_list:False"],
            schema.FieldsList.Select(f => $"{f.Name}:{f.DataType.Name}:{f.IsNullable}"));
        Assert.Equal("UTC", ((Apache.Arrow.Types.TimestampType)schema.GetFieldByName("read_at").DataType).Timezone);
        Assert.Equal(Apache.Arrow.Types.TimeUnit.Microsecond, ((Apache.Arrow.Types.TimestampType)schema.GetFieldByName("read_at").DataType).Unit);

        // Opening it again with the same definition finds it rather than creating it again.
        Assert.Equal(1UL, (await store.OpenTableAsync(StoreRows.Wide())).Version);
        Assert.Single(LanceTable.ListVersions(TablePath("sequences")));
    }

    [Fact]
    public async Task An_existing_table_with_another_column_type_is_refused_with_a_message_that_names_the_table_and_the_difference()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        await store.OpenTableAsync(StoreRows.Narrow("sequences"));

        var error = await Assert.ThrowsAsync<LanceSchemaMismatchException>(() => store.OpenTableAsync(StoreRows.Narrow("sequences", depth: RecordColumnType.Double)));
        Assert.Equal($"Table 'sequences' in {_db.FullName} has column 'depth' as int64; this run writes double.", error.Message);
        Assert.Equal("sequences", error.Table);

        error = await Assert.ThrowsAsync<LanceSchemaMismatchException>(() => store.OpenTableAsync(StoreRows.Narrow("sequences", dimension: 5)));
        Assert.Equal($"Table 'sequences' in {_db.FullName} has vectors of dimension 2 in 'vector'; this run writes 5.", error.Message);

        error = await Assert.ThrowsAsync<LanceSchemaMismatchException>(() => store.OpenTableAsync(new VectorTableDefinition("sequences", [new RecordColumn("width", RecordColumnType.Int64)], 2)));
        Assert.Equal($"Table 'sequences' in {_db.FullName} has no column 'width'; this run writes int64; it has column 'depth' as int64, which this run does not write.", error.Message);
        Assert.Single(LanceTable.ListVersions(TablePath("sequences")));
    }

    [Fact]
    public async Task Opening_a_missing_table_by_name_names_the_database_and_its_tables()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        await store.OpenTableAsync(StoreRows.Narrow("reads"));

        var error = await Assert.ThrowsAsync<LanceTableNotFoundException>(() => store.OpenTableAsync("sequences"));
        Assert.Contains(_db.FullName, error.Message, StringComparison.Ordinal);
        Assert.Contains("'reads'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindLastCommit_finds_each_shards_newest_tag_among_interleaved_commits_and_decodes_it()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        var table = await store.OpenTableAsync(StoreRows.Narrow());
        Assert.Null(await table.FindLastCommitAsync("run", Shard0));
        await using var a = await table.OpenWriterAsync("run", Shard0);
        await using var b = await table.OpenWriterAsync("run", Shard1);

        await a.WriteAsync(StoreRows.Narrow("a1", 2));
        Assert.Equal(2, a.PendingRows);
        Assert.Equal(2UL, await a.CommitAsync(StoreRows.Tag("run", Shard0, 10, 2) with { Properties = new Dictionary<string, string> { ["model"] = "nt", ["connectomics.run_id"] = "not the tag" } }));
        Assert.Equal(0, a.PendingRows);
        await b.WriteAsync(StoreRows.Narrow("b1", 3));
        Assert.Equal(3UL, await b.CommitAsync(StoreRows.Tag("run", Shard1, 7, 3)));
        await a.WriteAsync(StoreRows.Narrow("a2", 1));
        Assert.Equal(4UL, await a.CommitAsync(StoreRows.Tag("run", Shard0, 25, 3)));
        await b.WriteAsync(StoreRows.Narrow("b2", 1));
        Assert.Equal(5UL, await b.CommitAsync(StoreRows.Tag("run", Shard1, 9, 4)));

        var first = await table.FindLastCommitAsync("run", Shard0);
        Assert.NotNull(first);
        Assert.Equal(4UL, first.Version);
        Assert.Equal("run", first.Tag.RunId);
        Assert.Equal(Shard0, first.Tag.Shard);
        Assert.Equal(WorkPosition.Within("input.parquet", 25), first.Tag.Position);
        Assert.Equal(25, first.Tag.RecordsRead);
        Assert.Equal(3, first.Tag.RowsWritten);
        Assert.NotNull(first.Timestamp);
        var second = await table.FindLastCommitAsync("run", Shard1);
        Assert.Equal(5UL, second!.Version);
        Assert.Equal(WorkPosition.Within("input.parquet", 9), second.Tag.Position);

        // The run's properties come back as given, beside the tag's own keys and without colliding with them.
        var version2 = TransactionInfo.Decode((await LoadedManifest.ReadAsync(Path.Combine(TablePath(), "_versions", TableLayout.ManifestFileName(2)), CancellationToken.None)).InlineTransaction);
        Assert.Equal("nt", CommitTagProperties.Decode(version2.Properties, "v2").Properties["model"]);
        Assert.Equal("not the tag", CommitTagProperties.Decode(version2.Properties, "v2").Properties["connectomics.run_id"]);
        Assert.Equal("run", CommitTagProperties.Decode(version2.Properties, "v2").RunId);

        Assert.Null(await table.FindLastCommitAsync("other run", Shard0));
        Assert.Null(await table.FindLastCommitAsync("run", new ShardAssignment(0, 3)));
        Assert.Equal(5UL, table.Version);
        Assert.Equal(7, table.RowCount);
        Assert.Equal(["a1-0", "a1-1", "b1-0", "b1-1", "b1-2", "a2-0", "b2-0"], await IdsAsync());
    }

    [Fact]
    public async Task After_a_replace_only_the_replacing_shards_tag_is_found_and_an_empty_commit_still_records_its_tag()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        var table = await store.OpenTableAsync(StoreRows.Narrow());
        await using (var a = await table.OpenWriterAsync("run", Shard0))
        {
            await a.WriteAsync(StoreRows.Narrow("a", 2));
            await a.CommitAsync(StoreRows.Tag("run", Shard0, 2));
        }

        await using (var b = await table.OpenWriterAsync("run", Shard1))
        {
            await b.WriteAsync(StoreRows.Narrow("b", 2));
            await b.CommitAsync(StoreRows.Tag("run", Shard1, 2));
            await b.WriteAsync(StoreRows.Narrow("b-new", 1));
            Assert.Equal(4UL, await b.ReplaceAsync(StoreRows.Tag("run", Shard1, 3)));
        }

        Assert.Equal(["b-new-0"], await IdsAsync());
        Assert.Null(await table.FindLastCommitAsync("run", Shard0));
        Assert.Equal(4UL, (await table.FindLastCommitAsync("run", Shard1))!.Version);

        // A chunk of bad records only: no rows, but the position moves on in a version of its own.
        await using (var a = await table.OpenWriterAsync("run", Shard0))
        {
            Assert.Equal(5UL, await a.CommitAsync(StoreRows.Tag("run", Shard0, 40) with { RecordsRejected = 40 }));
        }

        var found = await table.FindLastCommitAsync("run", Shard0);
        Assert.Equal(5UL, found!.Version);
        Assert.Equal(40, found.Tag.RecordsRejected);
        Assert.Equal(["b-new-0"], await IdsAsync());

        // The replaced table keeps its metadata, columns and dimension.
        Assert.Equal(StoreRows.Narrow().Columns, (await store.OpenTableAsync("t")).Definition.Columns);
    }

    [Fact]
    public async Task A_writer_cuts_its_rows_into_files_named_after_its_run_and_shard_and_disposing_removes_the_uncommitted_ones()
    {
        var store = StoreRows.SmallFiles(_db.FullName, rowsPerFile: 3);
        var table = await store.OpenTableAsync(StoreRows.Narrow());
        var names = new OwnedDataFileNames("run/2024 α", Shard0);
        await using (var writer = await table.OpenWriterAsync("run/2024 α", Shard0))
        {
            await writer.WriteAsync(StoreRows.Narrow("x", 7));

            // The full files are closed before the commit: rows do not pile up in memory.
            Assert.Equal(3, Directory.GetFiles(Path.Combine(TablePath(), "data")).Length);
            Assert.Equal(2UL, await writer.CommitAsync(StoreRows.Tag("run/2024 α", Shard0, 7)));
            await writer.WriteAsync(StoreRows.Narrow("y", 4));
        }

        var files = Directory.GetFiles(Path.Combine(TablePath(), "data")).Select(Path.GetFileName).ToList();
        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.True(names.IsOwned(f!), f));
        Assert.All(files, f => Assert.StartsWith("run_2024__-", f, StringComparison.Ordinal));
        Assert.All(files, f => Assert.Contains("-s0of2-", f, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(0, 7).Select(k => $"x-{k}"), await IdsAsync());
        var manifest = await LoadedManifest.ReadLatestAsync(TablePath(), CancellationToken.None);
        Assert.Equal([3UL, 3UL, 1UL], manifest!.Manifest.Fragments.Select(f => f.PhysicalRows));
    }

    [Fact]
    public async Task RemoveUncommitted_removes_only_this_run_and_shards_files_that_no_version_refers_to()
    {
        var store = StoreRows.SmallFiles(_db.FullName, rowsPerFile: 2);
        var table = await store.OpenTableAsync(StoreRows.Narrow());
        var data = Path.Combine(TablePath(), "data");

        // Committed files of the shard, then files of a writer that died before committing (never disposed).
        var committed = await table.OpenWriterAsync("run", Shard0);
        await committed.WriteAsync(StoreRows.Narrow("c", 3));
        await committed.CommitAsync(StoreRows.Tag("run", Shard0, 3));
        var committedFiles = Directory.GetFiles(data).ToHashSet();
        Assert.Equal(2, committedFiles.Count);
        var dying = await table.OpenWriterAsync("run", Shard0);
        await dying.WriteAsync(StoreRows.Narrow("e", 5));

        // Another shard's and another run's pending files, and a file whose name merely starts like the shard's.
        var otherShard = await table.OpenWriterAsync("run", Shard1);
        await otherShard.WriteAsync(StoreRows.Narrow("f", 3));
        var otherRun = await table.OpenWriterAsync("run2", Shard0);
        await otherRun.WriteAsync(StoreRows.Narrow("g", 3));
        var lookalike = Path.Combine(data, new OwnedDataFileNames("run", Shard0).Prefix + "notes.lance");
        await File.WriteAllTextAsync(lookalike, "x");
        var before = Directory.GetFiles(data).ToHashSet();
        var dyingFiles = before.Where(f => !committedFiles.Contains(f) && Path.GetFileName(f).StartsWith(new OwnedDataFileNames("run", Shard0).Prefix, StringComparison.Ordinal) && f != lookalike).ToList();
        Assert.Equal(3, dyingFiles.Count);

        await using var resumed = await table.OpenWriterAsync("run", Shard0);
        await resumed.WriteAsync(StoreRows.Narrow("h", 1));
        Assert.Equal(3, await resumed.RemoveUncommittedAsync());

        var after = Directory.GetFiles(data).ToHashSet();
        Assert.Equal(before.Except(dyingFiles).Count() + 1, after.Count);
        Assert.All(dyingFiles, f => Assert.DoesNotContain(f, after));
        Assert.Subset(after, committedFiles);
        Assert.Contains(lookalike, after);
        Assert.Equal(0, await resumed.RemoveUncommittedAsync());

        // The resumed writer's own pending rows were kept and commit.
        await resumed.CommitAsync(StoreRows.Tag("run", Shard0, 8));
        Assert.Equal(["c-0", "c-1", "c-2", "h-0"], await IdsAsync());
        await otherShard.CommitAsync(StoreRows.Tag("run", Shard1, 3));
        Assert.Contains("f-2", await IdsAsync());
    }

    [Fact]
    public async Task Search_returns_the_nearest_rows_with_their_columns_and_hand_computed_distances()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        var definition = StoreRows.Wide(dimension: 2);
        var table = await store.OpenTableAsync(definition);
        var when = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(120);
        await using (var writer = await table.OpenWriterAsync("run", ShardAssignment.Single))
        {
            await writer.WriteAsync(new VectorBatch(
                ["r0", "r1", "r2"],
                [
                    ["a", null, "c"],
                    [100, 200, 300],
                    [1L, null, 3L],
                    [0.5f, 0.25f, null],
                    [1.5, 2.5, 3.5],
                    [true, false, null],
                    [new DateOnly(2024, 1, 2), null, new DateOnly(1999, 12, 31)],
                    [when, null, when.AddDays(1)],
                ],
                new float[] { 0, 0, 3, 4, 1, 1 },
                2));
            await writer.CommitAsync(StoreRows.Tag("run", ShardAssignment.Single, 3));
        }

        var matches = await table.SearchAsync(new float[] { 3, 3 }, 2);
        Assert.Equal(["r1", "r2"], StoreRows.Ids(matches));
        Assert.Equal([1f, 8f], matches.Select(m => m.Distance));
        Assert.Equal(
            new Dictionary<string, object?> { ["label"] = null, ["length"] = 200, ["depth"] = null, ["gc"] = 0.25f, ["quality"] = 2.5, ["paired"] = false, ["sampled"] = null, ["read_at"] = null },
            matches[0].Columns);
        Assert.Equal(new DateOnly(1999, 12, 31), matches[1].Columns["sampled"]);
        Assert.Equal(when.AddDays(1), matches[1].Columns["read_at"]);
        Assert.Equal("c", matches[1].Columns["label"]);

        // Cosine distance to (1, 0): 1 − 1/√2 for (1, 1), 1 − 3/5 for (3, 4).
        var cosine = await table.SearchAsync(new float[] { 1, 0 }, 2, VectorMetric.Cosine);
        Assert.Equal(["r2", "r1"], StoreRows.Ids(cosine));
        Assert.Equal(1 - (1 / MathF.Sqrt(2)), cosine[0].Distance, 1e-6f);
        Assert.Equal(0.4f, cosine[1].Distance, 1e-6f);
    }

    [Fact]
    public async Task A_batch_that_does_not_fit_the_table_is_refused_naming_the_row_and_column_and_the_writer_stays_usable()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        var table = await store.OpenTableAsync(StoreRows.Narrow());
        await using var writer = await table.OpenWriterAsync("run", ShardAssignment.Single);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(new VectorBatch(["a", "b"], [[1L, "deep"]], new float[4], 2)));
        Assert.Contains("Row 1 (id 'b')", error.Message, StringComparison.Ordinal);
        Assert.Contains("'depth'", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(new VectorBatch(["a"], [[1L]], new float[3], 3)));
        Assert.Contains("dimension 2", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(new VectorBatch(["a"], [[1L]], new[] { float.NaN, 0 }, 2)));
        await Assert.ThrowsAsync<ArgumentException>(() => writer.CommitAsync(StoreRows.Tag("another run", ShardAssignment.Single, 1)));

        Assert.Equal(0, writer.PendingRows);
        await writer.WriteAsync(StoreRows.Narrow("ok", 1));
        await writer.CommitAsync(StoreRows.Tag("run", ShardAssignment.Single, 1));
        Assert.Equal(["ok-0"], await IdsAsync());
    }
}
