using System.Text.Json;

namespace Connectomics.Embed.Tests;

/// <summary>A table as the official LanceDB client reads it: its rows (by id) and its schema metadata.</summary>
internal sealed record OfficialTable(IReadOnlyDictionary<string, JsonElement> Rows, IReadOnlyDictionary<string, string> Metadata, int RowCount, int DistinctIds)
{
    public static async Task<OfficialTable> ReadAsync(string database, string table)
    {
        var result = await LanceDbNode.RunAsync(
            """
            const t = await (await lancedb.connect(args[0])).openTable(args[1]);
            const schema = await t.schema();
            const rows = rowsOf(await t.query().toArrow());
            emit({ rows, metadata: Object.fromEntries(schema.metadata) });
            """,
            database,
            table);
        var rows = result.GetProperty("rows").EnumerateArray().ToArray();
        var byId = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            byId[row.GetProperty("id").GetString()!] = row;
        }

        var metadata = result.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        return new OfficialTable(byId, metadata, rows.Length, byId.Count);
    }

    public static float[] Vector(JsonElement row) => [.. row.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle())];
}
