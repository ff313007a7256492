using Connectomics.Pipelines;
using Connectomics.Storage.Fasta;
using Connectomics.Storage.Parquet;
using Connectomics.Storage.Tests.Parquet;

namespace Connectomics.Storage.Tests.Pipelines;

public sealed class InputPipelineExtensionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task FromParquet_reads_the_selected_columns_with_the_chosen_case()
    {
        var path = _dir.File("reads.parquet");
        ParquetTestFiles.WriteRaw(path, 10,
            ("sequence_id", ParquetTestFiles.Strings("s1")),
            ("dna_sequence", ParquetTestFiles.Strings("acGT")),
            ("taxonomy", ParquetTestFiles.Strings("Bacteria")),
            ("depth", ParquetTestFiles.Ints(12)),
            ("unused", ParquetTestFiles.Ints(0)));

        var builder = EmbeddingPipeline.FromParquet(path, c => c.Id("sequence_id").Sequence("dna_sequence").Keep("taxonomy", "depth").KeepCase());
        var source = Assert.IsType<ParquetChunkSource>(builder.Source);
        var record = (await ChunkReads.ReadAsync(source, (await source.ListUnitsAsync())[0], 0, 10))[0].Records[0];

        Assert.Equal(("s1", "acGT"), (record.Id, record.Sequence));
        Assert.Equal(["taxonomy", "depth"], source.Descriptor.Columns.Select(c => c.Name));
        Assert.Equal(12, record.Metadata["depth"]);
        Assert.Equal("keep", source.Descriptor.Settings["case"]);

        var all = Assert.IsType<ParquetChunkSource>(
            EmbeddingPipeline.FromParquet([path, _dir.File("*.parquet")], c => c.Id("sequence_id").Sequence("dna_sequence").KeepAllOthers()).Source);
        Assert.Equal(["taxonomy", "depth", "unused"], all.Descriptor.Columns.Select(c => c.Name));
        Assert.Equal("upper", all.Descriptor.Settings["case"]);
        Assert.Single(await all.ListUnitsAsync());
    }

    [Fact]
    public void FromFasta_and_FromFastq_read_their_format_with_the_chosen_case()
    {
        File.WriteAllText(_dir.File("a.fa"), ">a\nAC\n");
        File.WriteAllText(_dir.File("a.fq"), "@a\nAC\n+\nII\n");

        var fasta = EmbeddingPipeline.FromFasta(_dir.File("a.fa")).Source;
        var fastq = EmbeddingPipeline.FromFastq([_dir.File("a.fq")], s => s.KeepCase()).Source;

        Assert.IsType<SequenceFileChunkSource>(fasta);
        Assert.Equal(("fasta", "upper"), (fasta.Descriptor.Kind, fasta.Descriptor.Settings["case"]));
        Assert.Equal(("fastq", "keep"), (fastq.Descriptor.Kind, fastq.Descriptor.Settings["case"]));
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => EmbeddingPipeline.FromParquet(_dir.File("a.parquet"), c => c.Id("x").Sequence("x")));
    }
}
