using System.Diagnostics;
using ParquetSharp;

namespace Connectomics.Embed.Tests;

/// <summary>The tool without arguments: the demo reads into a table, read back with the official LanceDB client.</summary>
public sealed class DemoEndToEndTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-demo-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_demo_embeds_its_reads_into_a_table_the_official_client_reads_and_searches_it()
    {
        // How long the demo takes is measured in docs/benchmarks.md, not asserted here.
        var run = EmbedTool.Run(_work);

        Assert.True(run.Code == 0, run.Stderr + run.Stdout);

        var reads = ReadParquet(Path.Combine(_work, "connectomics-demo", "reads", "demo-reads.parquet"));
        Assert.Equal(3000, reads.Count);
        var table = await OfficialTable.ReadAsync(Path.Combine(_work, "connectomics-demo", "vectors"), "demo_reads");
        Assert.Equal(reads.Count, table.RowCount);
        Assert.Equal(reads.Count, table.DistinctIds);

        var expected = await ReferenceModel.EmbedUpperCasedAsync(reads.Select(r => (r.Key, (string)r.Value["dna_sequence"]!)));
        foreach (var (id, values) in reads)
        {
            var row = table.Rows[id];
            Assert.Equal((string)values["taxonomy"]!, row.GetProperty("taxonomy").GetString());
            Assert.Equal((string)values["contig"]!, row.GetProperty("contig").GetString());
            Assert.Equal(((long)values["start"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), row.GetProperty("start").GetString());
            Assert.Equal(((long)values["end"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), row.GetProperty("end").GetString());
            Assert.Equal((double)values["depth"]!, row.GetProperty("depth").GetDouble());
            ReferenceModel.AssertClose(expected[id], OfficialTable.Vector(row), id);
        }

        using var model = ReferenceModel.Build();
        Assert.Equal("tiny", table.Metadata["connectomics.model.name"]);
        Assert.Equal(model.Descriptor.Fingerprint, table.Metadata["connectomics.model.fingerprint"]);
        Assert.Equal("mean", table.Metadata["connectomics.model.pooling"]);
        Assert.Equal("false", table.Metadata["connectomics.model.normalize"]);
        Assert.Equal("128", table.Metadata["connectomics.model.dimension"]);

        var lines = run.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.FindIndex(l => l.StartsWith("nearest 5 rows to read-00000", StringComparison.Ordinal));
        Assert.True(header >= 0, run.Stdout);
        var neighbours = lines.Skip(header + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, neighbours.Count);
        Assert.Contains("read-00000", neighbours[0], StringComparison.Ordinal);
        Assert.All(neighbours, n => Assert.Contains(reads[n.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]]["taxonomy"]!.ToString()!, n, StringComparison.Ordinal));
        Assert.Equal("3,000", run.Summary("rows written"));

        var again = EmbedTool.Run(_work);
        Assert.True(again.Code == 0, again.Stderr);
        Assert.Contains("already complete", again.Stderr, StringComparison.Ordinal);
        Assert.Equal("0", again.Summary("rows written"));
        Assert.Equal(3000, (await OfficialTable.ReadAsync(Path.Combine(_work, "connectomics-demo", "vectors"), "demo_reads")).RowCount);
    }

    /// <summary>The demo's Parquet file, read with ParquetSharp: by id, the sequence and the kept columns.</summary>
    private static Dictionary<string, Dictionary<string, object?>> ReadParquet(string path)
    {
        using var file = new ParquetFileReader(path);
        var names = Enumerable.Range(0, file.FileMetaData.NumColumns).Select(i => file.FileMetaData.Schema.Column(i).Name).ToList();
        var rows = new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal);
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var count = checked((int)group.MetaData.NumRows);
            var columns = new Dictionary<string, object?[]>(StringComparer.Ordinal);
            for (var c = 0; c < names.Count; c++)
            {
                using var column = group.Column(c);
                columns[names[c]] = names[c] switch
                {
                    "start" or "end" => [.. Read<long?>(column, count).Cast<object?>()],
                    "depth" => [.. Read<double?>(column, count).Cast<object?>()],
                    _ => [.. Read<string>(column, count).Cast<object?>()],
                };
            }

            for (var r = 0; r < count; r++)
            {
                rows[(string)columns["sequence_id"][r]!] = columns.ToDictionary(c => c.Key, c => c.Value[r], StringComparer.Ordinal);
            }
        }

        return rows;
    }

    private static T[] Read<T>(ColumnReader column, int count)
    {
        using var reader = column.LogicalReader<T>();
        return reader.ReadAll(count);
    }
}
