using System.Text.Json;

namespace Connectomics.Deploy.Tests.Embedding;

/// <summary>
/// A table the tool wrote, as the official LanceDB client reads it: its version, its row count, every row's id and
/// depth, the vector lengths it holds and how many vectors have a value that is not a finite number.
/// </summary>
internal sealed record EmbeddedTable(ulong Version, long RowCount, IReadOnlyList<string> Ids, IReadOnlyDictionary<string, double> Depths, IReadOnlyList<int> Dimensions, int NonFiniteVectors)
{
    private const string Script = """
        const table = await (await lancedb.connect(args[0])).openTable(args[1]);
        const rows = (await table.query().select(['id', 'depth', 'vector']).toArrow()).toArray();
        emit({
          version: await table.version(),
          count: await table.countRows(),
          ids: rows.map(r => r.id),
          depths: rows.map(r => r.depth),
          dimensions: [...new Set(rows.map(r => r.vector.length))],
          nonFinite: rows.filter(r => !Array.from(r.vector.toArray()).every(Number.isFinite)).length,
        });
        """;

    /// <summary>Reads table <paramref name="table"/> of the database folder <paramref name="database"/>.</summary>
    public static async Task<EmbeddedTable> ReadAsync(string database, string table)
    {
        var result = await LanceDbNode.RunAsync(Script, database, table);
        var ids = result.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var depths = result.GetProperty("depths").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var byId = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            byId.TryAdd(ids[i], depths[i]);
        }

        return new EmbeddedTable(
            result.GetProperty("version").GetUInt64(),
            result.GetProperty("count").GetInt64(),
            ids,
            byId,
            [.. result.GetProperty("dimensions").EnumerateArray().Select(e => e.GetInt32())],
            result.GetProperty("nonFinite").GetInt32());
    }
}
