using System.IO.Compression;
using System.Text;
using Connectomics.Chunks;
using Connectomics.Sequences;
using Connectomics.Storage.Fasta;
using Connectomics.Stores;

namespace Connectomics.Storage.Tests.Fasta;

public sealed class SequenceFileChunkSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SequenceFileChunkSource Source(string input, SequenceFileFormat format = SequenceFileFormat.Fasta, bool upperCase = true) =>
        new(new SequenceFileChunkSourceOptions { Inputs = { input }, Format = format, UpperCase = upperCase });

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }

    private static async Task<List<RecordChunk<SequenceRecord>>> ReadAll(SequenceFileChunkSource source)
    {
        var chunks = new List<RecordChunk<SequenceRecord>>();
        foreach (var unit in await source.ListUnitsAsync())
        {
            chunks.AddRange(await ChunkReads.ReadAsync(source, unit, 0, 1000));
        }

        return chunks;
    }

    [Fact]
    public async Task Each_file_is_a_unit_keyed_by_its_path_relative_to_the_deepest_common_directory()
    {
        var original = _dir.File("mount-a", "data");
        await File.WriteAllTextAsync(_dir.File("mount-a", "data", "x.fa"), ">a\nACGT\n");
        await File.WriteAllBytesAsync(_dir.File("mount-a", "data", "sub", "y.fasta.gz"), Gzip(">b\nGG\n>c\nTT\n"));
        await File.WriteAllTextAsync(_dir.File("mount-a", "data", "sub", "notes.txt"), "not a FASTA file");

        var source = Source(original);
        var units = await source.ListUnitsAsync();

        Assert.Equal(["sub/y.fasta.gz", "x.fa"], units.Select(u => u.Key));
        Assert.Equal([0, 1], units.Select(u => u.Ordinal));
        Assert.Equal(
            [new FileInfo(_dir.File("mount-a", "data", "sub", "y.fasta.gz")).Length, 8L],
            units.Select(u => u.Cost.Bytes));
        Assert.Equal(original, source.InputRoot);

        // The same files under another mount point give the same units.
        Directory.CreateDirectory(_dir.File("mount-b", "elsewhere", "sub"));
        foreach (var file in new[] { "x.fa", "sub/y.fasta.gz" })
        {
            File.Copy(Path.Combine(original, file), _dir.File("mount-b", "elsewhere", file));
        }

        var copied = await Source(_dir.File("mount-b", "elsewhere", "**", "*")).ListUnitsAsync();
        Assert.Equal(units, copied);
        var chunks = await ChunkReads.ReadAsync(Source(_dir.File("mount-b", "elsewhere")), copied[0], 0, 10);
        Assert.Equal(["b", "c"], chunks.SelectMany(c => c.Records).Select(r => r.Id));
    }

    [Fact]
    public async Task A_record_the_pipeline_rejects_is_located_at_its_file_and_column()
    {
        await File.WriteAllBytesAsync(_dir.File("in", "sub", "reads.fa.gz"), Gzip(">a\nACGT\n>a\nGGCC\n"));
        await File.WriteAllTextAsync(_dir.File("in", "more.fa"), ">b\nACGT\n");
        var source = Source(_dir.File("in"));

        Assert.Equal(
            new RejectedRecord("sub/reads.fa.gz", 1, "a", "repeated") { File = "sub/reads.fa.gz", Column = "id" },
            source.Locate(new RejectedRecord("sub/reads.fa.gz", 1, "a", "repeated"), RecordField.Id));
        Assert.Equal(
            new RejectedRecord("more.fa", 0, "b", "unknown") { File = "more.fa", Column = "sequence" },
            source.Locate(new RejectedRecord("more.fa", 0, "b", "unknown"), RecordField.Content));
        var foreign = new RejectedRecord("elsewhere.fa", 0, "x", "unknown");
        Assert.Same(foreign, source.Locate(foreign, RecordField.Content));
    }

    [Fact]
    public async Task Reading_from_every_chunk_aligned_offset_gives_the_chunks_of_the_full_read()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 11; i++)
        {
            text.Append(i == 4 ? $">r{i} header only\n" : $">r{i} d{i}\nAC\nG{new string('T', i)}\n");
        }

        await File.WriteAllTextAsync(_dir.File("r.fa"), text.ToString());
        var source = Source(_dir.File("r.fa"));
        var unit = Assert.Single(await source.ListUnitsAsync());

        foreach (var chunkSize in new[] { 1, 3, 4, 11, 20 })
        {
            await ChunkReads.AssertResumableAsync(source, unit, chunkSize);
        }

        var chunks = await ChunkReads.ReadAsync(source, unit, 0, 3);
        Assert.Equal(11, chunks[^1].Next);
        Assert.Equal(["r0", "r1", "r2", "r3", "r5"], chunks.SelectMany(c => c.Records).Take(5).Select(r => r.Id));
        Assert.Equal(4, Assert.Single(chunks[1].Rejected).Offset);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ChunkReads.ReadAsync(source, unit, 12, 3));
    }

    [Fact]
    public async Task Soft_masked_bases_are_upper_cased_by_default_and_kept_when_asked()
    {
        await File.WriteAllTextAsync(_dir.File("masked.fa"), ">chr1\nACGTacgtnnNN\nttAA\n");

        var upper = await ReadAll(Source(_dir.File("masked.fa")));
        var kept = await ReadAll(Source(_dir.File("masked.fa"), upperCase: false));

        Assert.Equal("ACGTACGTNNNNTTAA", Assert.Single(upper.SelectMany(c => c.Records)).Sequence);
        Assert.Equal("ACGTacgtnnNNttAA", Assert.Single(kept.SelectMany(c => c.Records)).Sequence);
        Assert.Equal("upper", Source(_dir.File("masked.fa")).Descriptor.Settings["case"]);
        Assert.Equal("keep", Source(_dir.File("masked.fa"), upperCase: false).Descriptor.Settings["case"]);
    }

    [Fact]
    public async Task The_description_column_holds_the_rest_of_the_header()
    {
        await File.WriteAllTextAsync(_dir.File("d.fa"), ">r1 chr1:100-200  plus strand\nAC\n>r2\nGG\n>r3\t tab  \nTT\n");
        var source = Source(_dir.File("d.fa"));

        var records = (await ReadAll(source)).SelectMany(c => c.Records).ToList();

        Assert.Equal(["chr1:100-200  plus strand", "", "tab"], records.Select(r => r.Metadata[SequenceFileChunkSource.DescriptionColumn]));
        Assert.Equal("fasta", source.Descriptor.Kind);
        Assert.Equal([new RecordColumn("description", RecordColumnType.String, Nullable: false)], source.Descriptor.Columns);
    }

    [Fact]
    public async Task Gzip_is_detected_by_its_magic_bytes_and_every_member_is_read()
    {
        // Two gzip members, concatenated (as bgzip and `cat a.gz b.gz` write), in a file without a .gz name.
        await File.WriteAllBytesAsync(_dir.File("reads.fq"), [.. Gzip("@a first\nACGT\n+\nIIII\n"), .. Gzip("@b\nGG\n+b\n!!\n")]);

        var records = (await ReadAll(Source(_dir.File("reads.fq"), SequenceFileFormat.Fastq))).SelectMany(c => c.Records).ToList();

        Assert.Equal(["a", "b"], records.Select(r => r.Id));
        Assert.Equal(["ACGT", "GG"], records.Select(r => r.Sequence));
        Assert.Equal(["first", ""], records.Select(r => r.Metadata["description"]));
    }

    [Fact]
    public async Task A_FASTQ_quality_line_of_another_length_names_the_file_and_line()
    {
        var path = _dir.File("bad.fastq");
        await File.WriteAllTextAsync(path, "@a\nACGT\n+\nIIII\n@b\nACGT\n+\nIII\n");
        var source = Source(path, SequenceFileFormat.Fastq);
        var unit = Assert.Single(await source.ListUnitsAsync());

        var error = await Assert.ThrowsAsync<FastaFormatException>(() => ChunkReads.ReadAsync(source, unit, 0, 10));

        Assert.Equal(8, error.LineNumber);
        Assert.Equal(path, error.FilePath);
        Assert.Contains($"{path}, line 8", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 character(s) but its sequence has 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_FASTQ_record_cut_short_or_without_its_separator_names_the_line()
    {
        await File.WriteAllTextAsync(_dir.File("short.fq"), "@a\nACGT\n+\nIIII\n@b\nAC\n");
        await File.WriteAllTextAsync(_dir.File("sep.fq"), "@a\nACGT\nIIII\n+\n");

        var cut = await Assert.ThrowsAsync<FastaFormatException>(() => ReadAll(Source(_dir.File("short.fq"), SequenceFileFormat.Fastq)));
        var separator = await Assert.ThrowsAsync<FastaFormatException>(() => ReadAll(Source(_dir.File("sep.fq"), SequenceFileFormat.Fastq)));

        Assert.Equal(7, cut.LineNumber);
        Assert.Equal(3, separator.LineNumber);
    }

    [Fact]
    public async Task An_empty_file_is_an_error_naming_it()
    {
        var empty = _dir.File("empty.fa");
        await File.WriteAllBytesAsync(empty, []);
        var blank = _dir.File("blank.fa");
        await File.WriteAllTextAsync(blank, "\n\n; only a comment\n");
        var emptyGzip = _dir.File("empty.fa.gz");
        // One gzip member holding nothing (what `gzip < /dev/null` writes).
        await File.WriteAllBytesAsync(emptyGzip, Convert.FromHexString("1f8b08000000000002ff03000000000000000000"));

        var listing = await Assert.ThrowsAsync<FastaFormatException>(async () => await Source(empty).ListUnitsAsync());
        Assert.Equal(empty, listing.FilePath);
        Assert.Null(listing.LineNumber);
        Assert.Contains("empty", listing.Message, StringComparison.Ordinal);

        foreach (var path in new[] { blank, emptyGzip })
        {
            var error = await Assert.ThrowsAsync<FastaFormatException>(() => ReadAll(Source(path)));
            Assert.Equal(path, error.FilePath);
            Assert.Contains("no FASTA record", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_binary_file_is_an_error_even_when_it_starts_with_a_header_marker()
    {
        var nul = _dir.File("nul.fa");
        await File.WriteAllBytesAsync(nul, [.. ">r1\nACGT\n"u8, 0x00, 0x01, 0x02, 0x41, 0x0A]);
        var notUtf8 = _dir.File("bytes.fa");
        await File.WriteAllBytesAsync(notUtf8, [.. ">r1\n"u8, 0xC3, 0x28, 0xFF, 0xFE, 0x0A]);

        var first = await Assert.ThrowsAsync<FastaFormatException>(() => ReadAll(Source(nul)));
        var second = await Assert.ThrowsAsync<FastaFormatException>(() => ReadAll(Source(notUtf8)));

        Assert.Equal((nul, 3L), (first.FilePath, first.LineNumber));
        Assert.Contains("not text", first.Message, StringComparison.Ordinal);
        Assert.Equal((notUtf8, 2L), (second.FilePath, second.LineNumber));
        Assert.Contains("not text", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_without_sequence_is_rejected_with_its_file_and_line()
    {
        await File.WriteAllTextAsync(_dir.File("in", "h.fa"), ">a\nAC\n\n>b lost\n>c\nGG\n>d\n");
        var source = Source(_dir.File("in"));
        var unit = Assert.Single(await source.ListUnitsAsync());

        var chunk = Assert.Single(await ChunkReads.ReadAsync(source, unit, 0, 10));

        Assert.Equal(["a", "c"], chunk.Records.Select(r => r.Id));
        Assert.Equal(4, chunk.Count);
        Assert.Equal(
            [new RejectedRecord("h.fa", 1, "b", "empty sequence") { File = "h.fa", Row = 4, Column = "sequence" },
             new RejectedRecord("h.fa", 3, "d", "empty sequence") { File = "h.fa", Row = 7, Column = "sequence" }],
            chunk.Rejected);
    }

    [Fact]
    public async Task Missing_inputs_and_foreign_units_are_refused()
    {
        await File.WriteAllTextAsync(_dir.File("a.fa"), ">a\nAC\n");
        var source = Source(_dir.File("a.fa"));

        await Assert.ThrowsAsync<FileNotFoundException>(async () => await Source(_dir.File("missing.fa")).ListUnitsAsync());
        Assert.Throws<ArgumentException>(() => source.ReadAsync(new WorkUnit("other.fa", 0, new WorkUnitCost(1)), 0, 10));
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new SequenceFileChunkSource(new SequenceFileChunkSourceOptions()));
    }

    [Fact]
    public async Task Lines_longer_than_the_read_buffer_and_CRLF_line_ends_are_read_whole()
    {
        var chromosome = string.Concat(Enumerable.Range(0, 150_000).Select(i => "ACGTacgt"[(i * 7) % 8]));
        await File.WriteAllTextAsync(_dir.File("long.fa"), $"\uFEFF>chr1 one line\r\n{chromosome}\r\n>chr2\r\nAC\r\n");

        var records = (await ReadAll(Source(_dir.File("long.fa"), upperCase: false))).SelectMany(c => c.Records).ToList();

        Assert.Equal(["chr1", "chr2"], records.Select(r => r.Id));
        Assert.Equal([chromosome, "AC"], records.Select(r => r.Sequence));
        Assert.Equal("one line", records[0].Metadata["description"]);
    }
}
