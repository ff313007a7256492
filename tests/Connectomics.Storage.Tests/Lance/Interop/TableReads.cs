using System.Globalization;
using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance.Interop;

/// <summary>
/// Reads a table of <c>id</c> + <c>vector</c> rows through our reader and through the official client into the same
/// plain form, "id|v0,v1,…" with every float as JavaScript's <c>String(x)</c> writes it (NaN, Infinity, -Infinity).
/// </summary>
internal static class TableReads
{
    private const string ClientScript = """
        const table = await (await lancedb.connect(args[0])).openTable(args[1]);
        if (args[2]) await table.checkout(Number(args[2]));
        const data = await table.query().toArrow();
        const rows = data.toArray().map(r => r.id + '|' + (r.vector === null ? 'null' : Array.from(r.vector.toArray(), x => String(x)).join(',')));
        emit({ version: await table.version(), count: await table.countRows(), rows });
        """;

    public static async Task<(ulong Version, List<string> Rows)> OursAsync(string tablePath, ulong? version = null)
    {
        var table = version is { } v ? await LanceTable.OpenAsync(tablePath, v) : await LanceTable.OpenAsync(tablePath);
        var rows = new List<string>();
        await foreach (var batch in table.ScanAsync(["id", "vector"]))
        {
            var ids = (StringArray)batch.Column(0);
            var vectors = (FixedSizeListArray)batch.Column(1);
            var size = ((Apache.Arrow.Types.FixedSizeListType)vectors.Data.DataType).ListSize;
            var values = (FloatArray)vectors.Values;
            for (var r = 0; r < batch.Length; r++)
            {
                var vector = vectors.IsNull(r)
                    ? "null"
                    : string.Join(',', Enumerable.Range(((vectors.Offset + r) * size), size).Select(i => Format(values.GetValue(i)!.Value)));
                rows.Add($"{ids.GetString(r)}|{vector}");
            }
        }

        Assert.Equal(table.RowCount, rows.Count);
        return (table.Version, rows);
    }

    /// <summary>Reads the ids of the latest version through our reader.</summary>
    public static async Task<List<string>> OurIdsAsync(string tablePath) => [.. (await OursAsync(tablePath)).Rows.Select(r => r.Split('|')[0])];

    public static async Task<(ulong Version, List<string> Rows)> OfficialAsync(string tablePath, ulong? version = null)
    {
        var name = Path.GetFileName(tablePath)[..^".lance".Length];
        var result = await LanceDbNode.RunAsync(ClientScript, Path.GetDirectoryName(tablePath)!, name, version?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
        var rows = result.GetProperty("rows").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(rows.Count, result.GetProperty("count").GetInt32());
        return (result.GetProperty("version").GetUInt64(), rows);
    }

    /// <summary>Asserts that both readers see the same version and the same rows in the same order; returns the rows.</summary>
    public static async Task<List<string>> AssertBothReadAsync(string tablePath, ulong expectedVersion, ulong? version = null)
    {
        var ours = await OursAsync(tablePath, version);
        var official = await OfficialAsync(tablePath, version);
        Assert.Equal(expectedVersion, ours.Version);
        Assert.Equal(expectedVersion, official.Version);
        Assert.Equal(ours.Rows, official.Rows);
        return ours.Rows;
    }

    private static string Format(float value) => float.IsNaN(value) ? "NaN" : float.IsPositiveInfinity(value) ? "Infinity" : float.IsNegativeInfinity(value) ? "-Infinity" : ((double)value).ToString(CultureInfo.InvariantCulture).Replace('E', 'e');
}
