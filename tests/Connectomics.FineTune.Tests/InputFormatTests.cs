namespace Connectomics.FineTune.Tests;

/// <summary>The same reads as FASTA, gzip FASTA, soft-masked FASTA or Parquet give the same run and the same predictions.</summary>
[Collection(FineTuneToolCollection.Name)]
public sealed class InputFormatTests(TrainedRunFixture runs)
{
    private string[] Predict(string input, string output, params string[] more) =>
        ["predict", "--model", "base", "--adapter", "run", "--input", input, "--out", output, "--device", "cpu", .. more];

    private string[] Reference()
    {
        var path = Path.Combine(runs.Work, "formats", "reference.tsv");
        if (!File.Exists(path))
        {
            FineTuneTool.Run(runs.Work, Predict("test.fasta", path)).Succeeded();
        }

        return PredictionsTsv.Read(path).Lines;
    }

    [Fact]
    public void Gzip_fasta_gives_the_predictions_of_plain_fasta()
    {
        var input = Path.Combine(runs.Work, "formats", "test.fa.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(input)!);
        Reads.WriteFasta(input, runs.Test, gzip: true);

        FineTuneTool.Run(runs.Work, Predict(input, "formats/gzip.tsv")).Succeeded();

        Assert.Equal(Reference(), PredictionsTsv.Read(Path.Combine(runs.Work, "formats", "gzip.tsv")).Lines);
    }

    [Fact]
    public void Soft_masked_reads_are_read_as_their_bases()
    {
        // Lower case marks repeats, not unknown bases: the reads give the predictions of their upper-case selves.
        var input = Path.Combine(runs.Work, "formats", "soft-masked.fasta");
        Directory.CreateDirectory(Path.GetDirectoryName(input)!);
        Reads.WriteFasta(input, runs.Test.Select((r, i) => r with { Sequence = i % 2 == 0 ? r.Sequence.ToLowerInvariant() : r.Sequence[..60] + r.Sequence[60..120].ToLowerInvariant() + r.Sequence[120..] }));

        FineTuneTool.Run(runs.Work, Predict(input, "formats/soft-masked.tsv")).Succeeded();

        Assert.Equal(Reference(), PredictionsTsv.Read(Path.Combine(runs.Work, "formats", "soft-masked.tsv")).Lines);
    }

    [Fact]
    public void Parquet_with_named_columns_trains_and_predicts_as_fasta_does()
    {
        var directory = Path.Combine(runs.Work, "formats");
        Directory.CreateDirectory(directory);
        Reads.WriteParquet(Path.Combine(directory, "train.parquet"), runs.Train, "read_id", "dna", "lineage");
        Reads.WriteParquet(Path.Combine(directory, "test.parquet"), runs.Test, "read_id", "dna", "lineage");
        string[] columns = ["--id-column", "read_id", "--sequence-column", "dna", "--taxonomy-column", "lineage"];

        // One epoch on each: the same reads and lineages make the same run, to the bit.
        FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments("train.fasta", "formats/run-fasta", "--epochs", "1")).Succeeded();
        FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments("formats/train.parquet", "formats/run-parquet", ["--epochs", "1", .. columns])).Succeeded();
        foreach (var file in new[] { "adapter_model.safetensors", "taxonomy_head.safetensors", "taxonomy_labels.json" })
        {
            Assert.Equal(
                FineTuneTool.Hash(Path.Combine(directory, "run-fasta", file)),
                FineTuneTool.Hash(Path.Combine(directory, "run-parquet", file)));
        }

        var predict = FineTuneTool.Run(runs.Work, Predict("formats/test.parquet", "formats/parquet.tsv", [.. columns, "--evaluate"])).Succeeded();
        Assert.Contains("(parquet)", predict.Stderr, StringComparison.Ordinal);
        Assert.Equal(Reference(), PredictionsTsv.Read(Path.Combine(directory, "parquet.tsv")).Lines);
    }

    [Fact]
    public void A_parquet_input_without_the_taxonomy_column_is_refused_naming_the_column()
    {
        var directory = Path.Combine(runs.Work, "formats");
        Directory.CreateDirectory(directory);
        Reads.WriteParquet(Path.Combine(directory, "unlabelled.parquet"), runs.Train, "id", "sequence", "lineage");

        var error = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments("formats/unlabelled.parquet", "formats/never")).SingleError();

        Assert.Contains("taxonomy", error, StringComparison.Ordinal);
        Assert.Contains("unlabelled.parquet", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(directory, "never")));
    }

    [Fact]
    public void Reads_without_a_taxonomy_can_be_classified()
    {
        var input = Path.Combine(runs.Work, "formats", "bare.fasta");
        Directory.CreateDirectory(Path.GetDirectoryName(input)!);
        File.WriteAllText(input, string.Concat(runs.Test.Select(r => $">{r.Id}\n{r.Sequence}\n")));

        FineTuneTool.Run(runs.Work, Predict(input, "formats/bare.tsv")).Succeeded();

        Assert.Equal(Reference(), PredictionsTsv.Read(Path.Combine(runs.Work, "formats", "bare.tsv")).Lines);
    }
}
