using System.IO.Compression;
using System.Text;
using ParquetSharp;

namespace Connectomics.Embed.Tests;

/// <summary>A gzip FASTA file with descriptions and soft-masked reads into a table.</summary>
public sealed class FastaEndToEndTests : IDisposable
{
    private static readonly (string Id, string Description, string Sequence)[] Reads =
    [
        ("contig_1", "Escherichia coli K-12 chromosome", "ACGTTGCAGGCTAGCTAGGATCGATCGGCTAAGCTTAGCGATCGTAGCTAGCTAGGCTA"),
        ("contig_2", "soft-masked repeat", "acgttgcaggctagctaggatcgatcggctaagcttagcgatcgtagctagctaggcta"),
        ("contig_3", "partly masked", "ACGTTGCAGGCTAGCTAGGAtcgatcggctaagcttagcgATCGTAGCTAGCTAGGCTA"),
        ("contig_4", "lower case again, wrapped", "ttagcgatcgtagctagctaggctaacgttgcaggctagctaggatcgatcggctaagcga"),
    ];

    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-fasta-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string WriteFasta()
    {
        var path = Path.Combine(_work, "reads.fa.gz");
        var text = new StringBuilder();
        foreach (var (id, description, sequence) in Reads)
        {
            text.Append('>').Append(id).Append(' ').Append(description).Append('\n');
            foreach (var line in sequence.Chunk(25))
            {
                text.Append(line).Append('\n');
            }
        }

        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write(System.Text.Encoding.ASCII.GetBytes(text.ToString()));
        return path;
    }

    [Fact]
    public async Task Soft_masked_reads_are_upper_cased_and_embedded_with_their_descriptions()
    {
        var input = WriteFasta();

        var run = EmbedTool.Run(_work, "--input", input, "--db", "out", "--table", "reads");

        Assert.True(run.Code == 0, run.Stderr);
        Assert.Equal("0.00 %", run.Summary("unknown tokens"));
        Assert.Equal("0", run.Summary("bad records"));
        var table = await OfficialTable.ReadAsync(Path.Combine(_work, "out"), "reads");
        Assert.Equal(Reads.Length, table.RowCount);
        var expected = await ReferenceModel.EmbedUpperCasedAsync(Reads.Select(r => (r.Id, r.Sequence)));
        foreach (var (id, description, _) in Reads)
        {
            Assert.Equal(description, table.Rows[id].GetProperty("description").GetString());
            ReferenceModel.AssertClose(expected[id], OfficialTable.Vector(table.Rows[id]), id);
        }

        // The same bases in either case give the same vector.
        ReferenceModel.AssertClose(OfficialTable.Vector(table.Rows["contig_1"]), OfficialTable.Vector(table.Rows["contig_2"]), "contig_2");
    }

    [Fact]
    public async Task Keep_case_tokenizes_as_hugging_face_does_and_quarantines_the_lower_case_reads()
    {
        var input = WriteFasta();

        var run = EmbedTool.Run(_work, "--input", input, "--db", "out", "--table", "reads", "--keep-case");

        Assert.True(run.Code == 0, run.Stderr);
        Assert.Equal("2", run.Summary("bad records").Split(' ')[0]);
        var table = await OfficialTable.ReadAsync(Path.Combine(_work, "out"), "reads");
        Assert.Equal(["contig_1", "contig_3"], table.Rows.Keys.Order(StringComparer.Ordinal));

        var quarantine = Directory.GetFiles(Path.Combine(_work, "out", "reads.quarantine"), "*.parquet", SearchOption.AllDirectories);
        var rows = quarantine.SelectMany(QuarantinedRows).ToList();
        Assert.Equal(["contig_2", "contig_4"], rows.Select(r => r["id"]).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Contains("unknown", r["reason"], StringComparison.Ordinal));
    }

    /// <summary>The quarantine file's rows, every column read as text.</summary>
    private static IEnumerable<Dictionary<string, string?>> QuarantinedRows(string path)
    {
        using var file = new ParquetFileReader(path);
        var rows = new List<Dictionary<string, string?>>();
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var count = checked((int)group.MetaData.NumRows);
            var columns = new Dictionary<string, string?[]>(StringComparer.Ordinal);
            for (var c = 0; c < file.FileMetaData.NumColumns; c++)
            {
                var name = file.FileMetaData.Schema.Column(c).Name;
                using var column = group.Column(c);
                if (column.ColumnDescriptor.LogicalType is ParquetSharp.StringLogicalType)
                {
                    using var reader = column.LogicalReader<string?>();
                    columns[name] = reader.ReadAll(count);
                }
            }

            for (var r = 0; r < count; r++)
            {
                rows.Add(columns.ToDictionary(c => c.Key, c => c.Value[r], StringComparer.Ordinal));
            }
        }

        return rows;
    }
}
