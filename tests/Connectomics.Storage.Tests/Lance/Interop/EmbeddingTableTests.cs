using System.Text.Json;
using Connectomics.Embeddings;
using Connectomics.Sequences;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance.Interop;

public sealed class EmbeddingTableTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-emb-");

    public void Dispose() => _db.Delete(recursive: true);

    private static SequenceEmbedding Embedding(int i, int dimension) =>
        new(new SequenceRecord($"seq{i}", new string('A', 10 + i)), SampleBatches.Vector(i, dimension), 12 + i, 1 + (i % 2));

    [Fact]
    public async Task Embeddings_are_searchable_by_the_official_client()
    {
        const int dimension = 64;
        var path = Path.Combine(_db.FullName, "emb.lance");
        await using (var writer = await LanceEmbeddingWriter.OpenAsync(path, dimension))
        {
            await writer.WriteAsync([.. Enumerable.Range(0, 50).Select(i => Embedding(i, dimension))]);
            await writer.WriteAsync([.. Enumerable.Range(50, 30).Select(i => Embedding(i, dimension))]);
            Assert.Equal(80, writer.RowsWritten);
            await writer.CompleteAsync();
        }

        var query = SampleBatches.Vector(41, dimension);
        var result = await LanceDbNode.RunAsync(
            """
            const table = await (await lancedb.connect(args[0])).openTable('emb');
            const hits = rowsOf(await table.search(JSON.parse(args[1])).limit(3).toArrow());
            emit(hits.map(h => ({ id: h.id, length: h.length, tokens: h.token_count, windows: h.window_count, d: h._distance })));
            """,
            _db.FullName,
            JsonSerializer.Serialize(query));

        var hits = result.EnumerateArray().ToList();
        Assert.Equal(["seq41", "seq40", "seq42"], hits.Take(1).Concat(hits.Skip(1).OrderBy(h => h.GetProperty("id").GetString())).Select(h => h.GetProperty("id").GetString()));
        Assert.Equal(51, hits[0].GetProperty("length").GetInt32());
        Assert.Equal(53, hits[0].GetProperty("tokens").GetInt32());
        Assert.Equal(2, hits[0].GetProperty("windows").GetInt32());
        Assert.Equal(0, hits[0].GetProperty("d").GetDouble());
        Assert.Equal(dimension, hits[1].GetProperty("d").GetDouble(), 1e-3);
    }

    [Fact]
    public async Task Vectors_of_the_wrong_length_are_refused()
    {
        await using var writer = await LanceEmbeddingWriter.OpenAsync(Path.Combine(_db.FullName, "bad.lance"), 8);
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync([Embedding(0, 4)]));
        Assert.Contains("seq0", error.Message, StringComparison.Ordinal);
    }
}
