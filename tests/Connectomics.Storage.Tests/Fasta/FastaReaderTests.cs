using Connectomics.Sequences;
using Connectomics.Storage.Fasta;

namespace Connectomics.Storage.Tests.Fasta;

public sealed class FastaReaderTests
{
    private static async Task<List<SequenceRecord>> Read(string text)
    {
        var records = new List<SequenceRecord>();
        await foreach (var record in FastaReader.ReadAsync(new StringReader(text), "test.fa"))
        {
            records.Add(record);
        }

        return records;
    }

    [Fact]
    public async Task Records_join_wrapped_lines_and_take_the_id_up_to_the_first_space()
    {
        var records = await Read(">read1 chr1:100-200 plus\nACGT\nAC\n\n>read2\nGGGG\r\nTT\n>empty\n>last\tx\nN");

        Assert.Equal(["read1", "read2", "empty", "last"], records.Select(r => r.Id));
        Assert.Equal(["ACGTAC", "GGGGTT", "", "N"], records.Select(r => r.Sequence));
        Assert.Equal("chr1:100-200 plus", records[0].Metadata[FastaReader.DescriptionKey]);
        Assert.Empty(records[1].Metadata);
        Assert.Equal("x", records[3].Metadata[FastaReader.DescriptionKey]);
    }

    [Fact]
    public async Task Sequence_before_a_header_names_the_file_and_line()
    {
        var error = await Assert.ThrowsAsync<FastaFormatException>(() => Read("\nACGT\n>r\nA"));
        Assert.Equal(2, error.LineNumber);
        Assert.Equal("test.fa", error.FilePath);
        Assert.Contains("test.fa, line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_without_id_is_an_error()
    {
        var error = await Assert.ThrowsAsync<FastaFormatException>(() => Read(">a\nAC\n> \nGG"));
        Assert.Equal(3, error.LineNumber);
    }

    [Fact]
    public async Task Missing_file_is_reported_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.fa");
        var error = await Assert.ThrowsAsync<FileNotFoundException>(async () =>
        {
            await foreach (var _ in FastaReader.ReadAsync(path))
            {
            }
        });
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_is_streamed_record_by_record()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, string.Concat(Enumerable.Range(0, 1000).Select(i => $">r{i}\nACGTACGTAC\nGT\n")));
            var count = 0;
            await foreach (var record in FastaReader.ReadAsync(path))
            {
                Assert.Equal($"r{count}", record.Id);
                Assert.Equal("ACGTACGTACGT", record.Sequence);
                count++;
            }

            Assert.Equal(1000, count);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
