using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.Storage.Tests.Lance;

public sealed class LanceTableWriterTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-w-");

    public void Dispose() => _db.Delete(recursive: true);

    private string TablePath(string name = "t") => Path.Combine(_db.FullName, name + ".lance");

    private static async Task<ulong> Write(string path, int start, int count, LanceWriteOptions? options = null)
    {
        await using var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), options);
        await writer.WriteAsync(SampleBatches.Vectors(start, count, 4));
        return await writer.CompleteAsync();
    }

    private static async Task<List<string?>> Ids(string path, ulong? version = null)
    {
        var table = version is { } v ? await LanceTable.OpenAsync(path, v) : await LanceTable.OpenAsync(path);
        var ids = new List<string?>();
        await foreach (var batch in table.ScanAsync(["id"]))
        {
            var column = (StringArray)batch.Column(0);
            ids.AddRange(Enumerable.Range(0, column.Length).Select(i => column.GetString(i)));
        }

        return ids;
    }

    private static IEnumerable<string> Range(int start, int count) => Enumerable.Range(start, count).Select(i => $"id_{i}");

    [Fact]
    public async Task A_commit_writes_manifest_transaction_and_version_hint()
    {
        var path = TablePath();
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await Write(path, 0, 3, new LanceWriteOptions { DataStorageVersion = LanceDataStorageVersion.V2_0, TimeProvider = new FixedTime(now) });
        await Write(path, 3, 2, new LanceWriteOptions { Mode = LanceWriteMode.Append });

        Assert.Equal("{\"version\":2}", await File.ReadAllTextAsync(Path.Combine(path, "_versions", "latest_version_hint.json")));
        Assert.Equal(["18446744073709551613.manifest", "18446744073709551614.manifest", "latest_version_hint.json"], Directory.GetFiles(Path.Combine(path, "_versions")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var v1 = await LoadedManifest.ReadAsync(Path.Combine(path, "_versions", "18446744073709551614.manifest"), CancellationToken.None);
        var v2 = await LoadedManifest.ReadAsync(Path.Combine(path, "_versions", "18446744073709551613.manifest"), CancellationToken.None);
        Assert.Equal(now, v1.Manifest.Timestamp);
        Assert.Equal(("lance", "2.0"), (v2.Manifest.DataFormat, v2.Manifest.DataFormatVersion));
        Assert.Equal("connectomics-lance", v2.Manifest.WriterLibrary);
        Assert.Equal(1U, v2.Manifest.MaxFragmentId);
        Assert.Equal([0UL, 1UL], v2.Manifest.Fragments.Select(f => f.Id));
        Assert.StartsWith("0-", v1.Manifest.TransactionFile, StringComparison.Ordinal);
        Assert.StartsWith("1-", v2.Manifest.TransactionFile, StringComparison.Ordinal);
        var txn = TransactionInfo.Decode(await File.ReadAllBytesAsync(Path.Combine(path, "_transactions", v2.Manifest.TransactionFile)));
        Assert.Equal((1UL, TransactionInfo.AppendOperation), (txn.ReadVersion, txn.Operation));
        Assert.Equal(2UL, Assert.Single(txn.Fragments).PhysicalRows);
        Assert.Equal(txn.Encode(), v2.InlineTransaction);
        Assert.Equal(TransactionInfo.OverwriteOperation, TransactionInfo.Decode(v1.InlineTransaction).Operation);
        Assert.Equal(Range(0, 5), await Ids(path));
        Assert.Empty(Directory.GetFiles(Path.Combine(path, "_versions"), ".tmp*"));
    }

    [Fact]
    public async Task Creating_an_existing_table_conflicts()
    {
        var path = TablePath();
        await Write(path, 0, 1);
        var error = await Assert.ThrowsAsync<LanceCommitConflictException>(() => LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4)));
        Assert.Equal(path, error.TablePath);
    }

    [Fact]
    public async Task Two_creators_racing_leave_one_table()
    {
        var path = TablePath();
        await using var first = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4));
        await using var second = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4));
        await first.WriteAsync(SampleBatches.Vectors(0, 2, 4));
        await second.WriteAsync(SampleBatches.Vectors(10, 2, 4));
        Assert.Equal(1UL, await first.CompleteAsync());
        await Assert.ThrowsAsync<LanceCommitConflictException>(() => second.CompleteAsync());
        Assert.Equal(Range(0, 2), await Ids(path));
    }

    [Fact]
    public async Task Concurrent_appends_are_rebased_and_both_land()
    {
        var path = TablePath();
        await Write(path, 0, 2);
        var append = new LanceWriteOptions { Mode = LanceWriteMode.Append };
        await using var a = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), append);
        await using var b = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), append);
        await a.WriteAsync(SampleBatches.Vectors(2, 3, 4));
        await b.WriteAsync(SampleBatches.Vectors(5, 4, 4));
        Assert.Equal(2UL, await b.CompleteAsync());
        Assert.Equal(3UL, await a.CompleteAsync());

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(9, table.RowCount);
        Assert.Equal([.. Range(0, 2), .. Range(5, 4), .. Range(2, 3)], await Ids(path));
        var v3 = await LoadedManifest.ReadLatestAsync(path, CancellationToken.None);
        Assert.Equal([0UL, 1UL, 2UL], v3!.Manifest.Fragments.Select(f => f.Id));
    }

    [Fact]
    public async Task An_append_cannot_be_rebased_over_an_overwrite()
    {
        var path = TablePath();
        await Write(path, 0, 2);
        await using var append = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Append });
        await append.WriteAsync(SampleBatches.Vectors(2, 1, 4));
        Assert.Equal(2UL, await Write(path, 100, 3, new LanceWriteOptions { Mode = LanceWriteMode.Overwrite }));
        var error = await Assert.ThrowsAsync<LanceCommitConflictException>(() => append.CompleteAsync());
        Assert.Equal(1UL, error.ReadVersion);
        Assert.Contains("overwrite", error.Message, StringComparison.Ordinal);
        Assert.Equal(Range(100, 3), await Ids(path));
    }

    [Fact]
    public async Task Overwrite_replaces_rows_and_schema_while_old_versions_stay_readable()
    {
        var path = TablePath();
        await Write(path, 0, 4);
        var schema = new Schema.Builder().Field(new Field("n", Int64Type.Default, false)).Build();
        await using (var writer = await LanceTableWriter.OpenAsync(path, schema, new LanceWriteOptions { Mode = LanceWriteMode.Overwrite, DataStorageVersion = LanceDataStorageVersion.V2_0 }))
        {
            await writer.WriteAsync(new RecordBatch(schema, [new Int64Array.Builder().AppendRange([7, 8]).Build()], 2));
            Assert.Equal(2UL, await writer.CompleteAsync());
        }

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(["n"], table.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal(2, table.RowCount);
        Assert.Equal(LanceDataStorageVersion.V2_0, table.DataStorageVersion);
        var latest = await LoadedManifest.ReadLatestAsync(path, CancellationToken.None);
        Assert.Equal(1UL, Assert.Single(latest!.Manifest.Fragments).Id);
        Assert.Equal(Range(0, 4), await Ids(path, 1));
        Assert.Equal([1UL, 2UL], LanceTable.ListVersions(path));
    }

    [Fact]
    public async Task Appending_rows_of_another_schema_is_refused()
    {
        var path = TablePath();
        await Write(path, 0, 1);
        var other = new Schema.Builder()
            .Field(new Field("id", StringType.Default, false))
            .Field(new Field("vector", new FixedSizeListType(new Field("item", FloatType.Default, true), 8), false))
            .Build();
        var error = await Assert.ThrowsAsync<LanceFormatException>(() => LanceTableWriter.OpenAsync(path, other, new LanceWriteOptions { Mode = LanceWriteMode.Append }));
        Assert.Contains("fixed_size_list:float:4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batches_that_do_not_match_the_schema_are_refused()
    {
        await using var writer = await LanceTableWriter.OpenAsync(TablePath(), SampleBatches.VectorSchema(4));
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(SampleBatches.Vectors(0, 2, 8)));
    }

    [Fact]
    public async Task Disposing_without_completing_leaves_no_table_and_no_data_files()
    {
        var path = TablePath();
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { MaxRowsPerFragment = 3 }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 7, 4));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(path, "data")));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(path, "data")));
        Assert.Empty(LanceTable.ListVersions(path));
        await Assert.ThrowsAsync<LanceTableNotFoundException>(() => LanceTable.OpenAsync(path));
    }

    [Theory]
    [InlineData(1, new[] { 7, 3, 4, 6, 1, 7, 2, 5 })]
    [InlineData(12, new[] { 10, 10, 10, 5 })]
    [InlineData(5, new[] { 7, 3, 10, 8, 2, 5 })]
    public async Task Streams_are_cut_into_fragments_and_pages_of_the_configured_sizes(int minRowsPerPage, int[] batchSizes)
    {
        var path = TablePath();
        static async IAsyncEnumerable<RecordBatch> Batches()
        {
            for (var i = 0; i < 5; i++)
            {
                await Task.Yield();
                yield return SampleBatches.Vectors(i * 7, 7, 4);
            }
        }

        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { MaxRowsPerFragment = 10, MinRowsPerPage = minRowsPerPage }))
        {
            await writer.WriteAsync(Batches());
            await writer.CompleteAsync();
        }

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(4, table.FragmentCount);
        var sizes = new List<int>();
        await foreach (var batch in table.ScanAsync())
        {
            sizes.Add(batch.Length);
        }

        Assert.Equal(batchSizes, sizes);
        Assert.Equal(Range(0, 35), await Ids(path));
    }

    [Fact]
    public async Task Mixed_manifest_naming_schemes_are_refused()
    {
        var path = TablePath();
        await Write(path, 0, 1);
        File.Copy(Path.Combine(path, "_versions", "18446744073709551614.manifest"), Path.Combine(path, "_versions", "1.manifest"));
        await Assert.ThrowsAsync<LanceFormatException>(() => LanceTable.OpenAsync(path));
    }

    [Fact]
    public void Options_reject_impossible_fragment_sizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LanceWriteOptions { MaxRowsPerFragment = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LanceWriteOptions { MinRowsPerPage = 0 });
        Assert.Equal(8192, new LanceWriteOptions().MinRowsPerPage);
        Assert.Equal(1024 * 1024, new LanceWriteOptions().MaxRowsPerFragment);
        Assert.Equal(LanceDataStorageVersion.V2_1, new LanceWriteOptions().DataStorageVersion);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
