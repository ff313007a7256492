using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance.Interop;

public sealed class IndexPreservationTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-index-");

    public void Dispose() => _db.Delete(recursive: true);

    [Fact]
    public async Task Our_append_keeps_an_index_built_by_the_official_client()
    {
        var path = Path.Combine(_db.FullName, "indexed.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { DataStorageVersion = LanceDataStorageVersion.V2_0 }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 100, 4));
            await writer.CompleteAsync();
        }

        await LanceDbNode.RunAsync(
            """
            const table = await (await lancedb.connect(args[0])).openTable('indexed');
            await table.createIndex('id');
            emit({});
            """,
            _db.FullName);

        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Append }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(100, 5, 4));
            Assert.Equal(3UL, await writer.CompleteAsync());
        }

        var result = await LanceDbNode.RunAsync(
            """
            const table = await (await lancedb.connect(args[0])).openTable('indexed');
            const indices = await table.listIndices();
            const stats = await table.indexStats(indices[0].name);
            const hit = rowsOf(await table.query().where("id = 'id_102'").select(['id']).toArrow());
            emit({ version: await table.version(), indices: indices.map(i => i.columns.join(',')), indexed: stats.numIndexedRows, unindexed: stats.numUnindexedRows, hit });
            """,
            _db.FullName);

        Assert.Equal(3, result.GetProperty("version").GetInt32());
        Assert.Equal(["id"], result.GetProperty("indices").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(100, result.GetProperty("indexed").GetInt32());
        Assert.Equal(5, result.GetProperty("unindexed").GetInt32());
        Assert.Equal("id_102", Assert.Single(result.GetProperty("hit").EnumerateArray()).GetProperty("id").GetString());
    }

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0)]
    [InlineData(LanceDataStorageVersion.V2_1)]
    public async Task The_official_client_builds_a_vector_index_on_our_table_and_finds_our_next_append(LanceDataStorageVersion version)
    {
        const int dimension = 64;
        var path = Path.Combine(_db.FullName, "ann.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(dimension), new LanceWriteOptions { DataStorageVersion = version, MaxRowsPerFragment = 600 }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 1000, dimension));
            await writer.CompleteAsync();
        }

        await LanceDbNode.RunAsync(
            """
            const table = await (await lancedb.connect(args[0])).openTable('ann');
            await table.createIndex('vector', { config: lancedb.Index.ivfPq({ numPartitions: 2, numSubVectors: 4 }) });
            emit({});
            """,
            _db.FullName);

        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(dimension), new LanceWriteOptions { Mode = LanceWriteMode.Append }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(5000, 3, dimension));
            await writer.CompleteAsync();
        }

        var result = await LanceDbNode.RunAsync(
            """
            const table = await (await lancedb.connect(args[0])).openTable('ann');
            const q = Array.from({ length: 64 }, (_, j) => 5001 + j * 0.125);
            const hits = rowsOf(await table.search(q).limit(1).toArrow());
            const stats = await table.indexStats('vector_idx');
            emit({ top: hits[0].id, indexType: stats.indexType, indexed: stats.numIndexedRows, unindexed: stats.numUnindexedRows });
            """,
            _db.FullName);
        Assert.Equal("id_5001", result.GetProperty("top").GetString());
        Assert.Equal("IVF_PQ", result.GetProperty("indexType").GetString());
        Assert.Equal(1000, result.GetProperty("indexed").GetInt32());
        Assert.Equal(3, result.GetProperty("unindexed").GetInt32());
    }
}
