using System.Runtime.CompilerServices;
using Connectomics.Chunks;
using Connectomics.Storage.Fasta;
using Connectomics.Lora.Taxonomy;
using Connectomics.Sequences;
using Connectomics.Stores;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class LabelledSequenceReaderTests
{
    [Fact]
    public async Task Fasta_descriptions_give_the_lineages_in_input_order()
    {
        using var directory = new TempDirectory();
        var path = directory.File("train.fasta");
        await File.WriteAllTextAsync(path, ">r1 Bacteria;Firmicutes;Bacilli;Bacillales;Bacillaceae;Bacillus;Bacillus subtilis\nACGT\nAC\n>r2 k__Archaea; p__Euryarchaeota\nGGCC\n>r3 Bacteria;;Bacilli\nTTAA\n");
        var reader = new LabelledSequenceReader(Fasta(path));
        var reads = await reader.ReadAllAsync();
        Assert.Equal(["r1", "r2", "r3"], reads.Select(r => r.Id));
        Assert.Equal("ACGTAC", reads[0].Sequence);
        Assert.Equal("Bacillus subtilis", reads[0].Taxonomy[TaxonomyRank.Species]);
        Assert.Equal(new TaxonomyPath("Archaea", "Euryarchaeota"), reads[1].Taxonomy);
        Assert.Equal(new TaxonomyPath("Bacteria", null, "Bacilli"), reads[2].Taxonomy);
    }

    [Fact]
    public async Task A_read_without_taxonomy_fails_naming_the_file_and_record_unless_skipped()
    {
        using var directory = new TempDirectory();
        var path = directory.File("train.fasta");
        await File.WriteAllTextAsync(path, ">r1 A;B\nACGT\n>r2\nACGT\n>r3 A;C\nACGT\n");
        var error = await Assert.ThrowsAsync<LabelledSequenceException>(() => new LabelledSequenceReader(Fasta(path)).ReadAllAsync());
        Assert.Contains("'train.fasta' record 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("'r2'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'description'", error.Message, StringComparison.Ordinal);
        Assert.Equal("r2", error.RecordId);
        Assert.Equal("train.fasta", error.File);

        var skipping = new LabelledSequenceReader(Fasta(path), new LabelledSequenceReaderOptions { Unlabelled = UnlabelledReadPolicy.Skip });
        Assert.Equal(["r1", "r3"], (await skipping.ReadAllAsync()).Select(r => r.Id));
        Assert.Equal(1, skipping.SkippedUnlabelled);
    }

    [Fact]
    public async Task An_unparsable_taxonomy_fails_even_when_unlabelled_reads_are_skipped()
    {
        using var directory = new TempDirectory();
        var path = directory.File("train.fasta");
        await File.WriteAllTextAsync(path, ">r1 A;B\nACGT\n>r2 Root;a;b;c;d;e;f;g\nACGT\n");
        var options = new LabelledSequenceReaderOptions { Unlabelled = UnlabelledReadPolicy.Skip, ChunkSize = 1 };
        var error = await Assert.ThrowsAsync<LabelledSequenceException>(() => new LabelledSequenceReader(Fasta(path), options).ReadAllAsync());
        Assert.Contains("'train.fasta' record 2 (id 'r2')", error.Message, StringComparison.Ordinal);
        Assert.Contains("8 ranks", error.Message, StringComparison.Ordinal);
        Assert.IsType<TaxonomyFormatException>(error.InnerException);
    }

    [Fact]
    public async Task A_record_the_source_rejects_fails_unless_rejections_are_skipped()
    {
        using var directory = new TempDirectory();
        var path = directory.File("train.fasta");
        await File.WriteAllTextAsync(path, ">r1 A;B\nACGT\n>r2 A;B\n>r3 A;C\nACGT\n");
        var error = await Assert.ThrowsAsync<LabelledSequenceException>(() => new LabelledSequenceReader(Fasta(path)).ReadAllAsync());
        Assert.Contains("train.fasta", error.Message, StringComparison.Ordinal);
        Assert.Contains("'r2'", error.Message, StringComparison.Ordinal);

        var skipping = new LabelledSequenceReader(Fasta(path), new LabelledSequenceReaderOptions { SkipRejected = true });
        Assert.Equal(["r1", "r3"], (await skipping.ReadAllAsync()).Select(r => r.Id));
        Assert.Equal(1, skipping.SkippedRejected);
    }

    [Fact]
    public async Task A_metadata_column_of_a_table_source_holds_the_taxonomy_and_errors_give_its_row()
    {
        var source = new TableSource(
            ("a", "A;B;C", 0),
            ("b", null, 0),
            ("c", "X;Y", 1),
            ("d", "not;a;valid;taxonomy;with;far;too;many", 1));
        var options = new LabelledSequenceReaderOptions { TaxonomyKey = "taxonomy", Unlabelled = UnlabelledReadPolicy.Skip, ChunkSize = 1 };
        var reader = new LabelledSequenceReader(source, options);
        var read = new List<LabelledSequence>();
        var error = await Assert.ThrowsAsync<LabelledSequenceException>(async () =>
        {
            await foreach (var labelled in reader.ReadAsync())
            {
                read.Add(labelled);
            }
        });
        Assert.Equal(["a", "c"], read.Select(r => r.Id));
        Assert.Contains("'part-1.parquet' row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("key 'taxonomy'", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Row);
    }

    [Fact]
    public void Options_are_validated_up_front()
    {
        var source = new TableSource();
        Assert.Throws<ArgumentException>(() => new LabelledSequenceReader(source, new LabelledSequenceReaderOptions { TaxonomyKey = " " }));
        Assert.Throws<ArgumentException>(() => new LabelledSequenceReader(source, new LabelledSequenceReaderOptions { ChunkSize = 0 }));
    }

    private static SequenceFileChunkSource Fasta(string path)
    {
        var options = new SequenceFileChunkSourceOptions();
        options.Inputs.Add(path);
        return new SequenceFileChunkSource(options);
    }

    /// <summary>Records in units (one per "file"), with a string metadata column, located by row as Parquet is.</summary>
    private sealed class TableSource(params (string Id, string? Taxonomy, int Unit)[] rows) : IChunkSource<SequenceRecord>
    {
        public SourceDescriptor Descriptor { get; } = new("table", [new RecordColumn("taxonomy", RecordColumnType.String, Nullable: true)], new Dictionary<string, string>());

        public ValueTask<IReadOnlyList<WorkUnit>> ListUnitsAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<WorkUnit>>(rows.Select(r => r.Unit).Distinct().Select(u => new WorkUnit($"part-{u}.parquet", u, default)).ToArray());

        public async IAsyncEnumerable<RecordChunk<SequenceRecord>> ReadAsync(WorkUnit unit, long offset, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            var records = rows.Where(r => r.Unit == unit.Ordinal)
                .Select(r => new SequenceRecord(r.Id, "ACGT") { Metadata = new Dictionary<string, object?> { ["taxonomy"] = r.Taxonomy } })
                .ToArray();
            for (var start = (int)offset; start < records.Length; start += chunkSize)
            {
                var chunk = records.Skip(start).Take(chunkSize).ToArray();
                yield return new RecordChunk<SequenceRecord>(unit, start, chunk.Length, chunk, [], start + chunk.Length >= records.Length);
            }
        }

        public RejectedRecord Locate(RejectedRecord record, RecordField field) => record with { File = record.UnitKey, Row = record.Offset };
    }
}
