namespace Connectomics.FineTune.Tests;

/// <summary>Inputs the tool refuses: one <c>error:</c> line naming the file and the record, exit code 1, and nothing
/// written (an earlier output stays as it was).</summary>
[Collection(FineTuneToolCollection.Name)]
public sealed class BadInputTests(TrainedRunFixture runs)
{
    private string Write(string name, string text)
    {
        var path = Path.Combine(runs.Work, "bad", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void An_empty_input_file_is_refused_by_every_command_and_leaves_the_output_alone()
    {
        var empty = Write("empty.fasta", string.Empty);
        var previous = Write("previous.tsv", "an earlier output\n");

        var train = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments(empty, "bad/run-empty")).SingleError();
        var pretrain = FineTuneTool.Run(runs.Work, "pretrain", "--input", empty, "--out", "bad/base-empty", "--steps", "1", "--device", "cpu").SingleError();
        var predict = FineTuneTool.Run(runs.Work, "predict", "--model", "base", "--adapter", "run", "--input", empty, "--out", previous, "--device", "cpu").SingleError();

        foreach (var error in new[] { train, pretrain, predict })
        {
            Assert.Contains(empty, error, StringComparison.Ordinal);
            Assert.Contains("empty", error, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(runs.Work, "bad", "run-empty")));
        Assert.False(Directory.Exists(Path.Combine(runs.Work, "bad", "base-empty")));
        Assert.Equal("an earlier output\n", File.ReadAllText(previous));

        // A file of blank lines holds no reads either.
        var blank = Write("blank.fasta", "\n\n");
        Assert.Contains(blank, FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments(blank, "bad/run-blank")).SingleError(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_id_is_refused_naming_both_records()
    {
        // Predictions are keyed by id, and a repeat is most often a file concatenated twice: refused, not renamed.
        var reads = runs.Test.Take(3).ToList();
        var duplicated = Write("duplicated.fasta", string.Concat(reads.Append(reads[1]).Select(r => $">{r.Id} {r.Taxonomy}\n{r.Sequence}\n")));

        var train = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments(duplicated, "bad/run-duplicated")).SingleError();
        var predict = FineTuneTool.Run(runs.Work, "predict", "--model", "base", "--adapter", "run", "--input", duplicated, "--out", "bad/duplicated.tsv", "--device", "cpu").SingleError();

        foreach (var error in new[] { train, predict })
        {
            Assert.Contains($"{duplicated}: record 4 ('{reads[1].Id}') repeats the id '{reads[1].Id}' of {duplicated}: record 2", error, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(runs.Work, "bad", "duplicated.tsv")));
        Assert.False(Directory.Exists(Path.Combine(runs.Work, "bad", "run-duplicated")));
    }

    [Fact]
    public void Training_reads_without_a_taxonomy_are_refused_naming_the_file_and_the_record()
    {
        var reads = runs.Test.Take(4).ToList();
        var missing = Write("missing.fasta", $">{reads[0].Id} {reads[0].Taxonomy}\n{reads[0].Sequence}\n>{reads[1].Id}\n{reads[1].Sequence}\n");
        var freeText = Write("free-text.fasta", $">{reads[0].Id} {reads[0].Taxonomy}\n{reads[0].Sequence}\n>{reads[2].Id} {reads[2].Taxonomy}\n{reads[2].Sequence}\n>{reads[3].Id} 16S rRNA gene, partial sequence\n{reads[3].Sequence}\n");

        var noDescription = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments(missing, "bad/run-missing")).SingleError();
        var notALineage = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments(freeText, "bad/run-free-text")).SingleError();

        Assert.Contains($"{missing}: record 2 ('{reads[1].Id}') has no taxonomy", noDescription, StringComparison.Ordinal);
        Assert.Contains($"{freeText}: record 3 ('{reads[3].Id}') has no taxonomy", notALineage, StringComparison.Ordinal);
        Assert.Contains("'16S rRNA gene, partial sequence' is not a lineage", notALineage, StringComparison.Ordinal);

        // The same reads need no taxonomy to be classified.
        FineTuneTool.Run(runs.Work, "predict", "--model", "base", "--adapter", "run", "--input", missing, "--out", "bad/missing.tsv", "--device", "cpu").Succeeded();
        Assert.Equal(2, PredictionsTsv.Read(Path.Combine(runs.Work, "bad", "missing.tsv")).Rows.Count);
    }

    [Fact]
    public void Contradicting_or_missing_options_are_usage_errors()
    {
        var both = FineTuneTool.Run(runs.Work, "pretrain", "--input", "train.fasta", "--out", "bad/x", "--epochs", "1", "--steps", "5").SingleError(2);
        Assert.Contains("--epochs and --steps", both, StringComparison.Ordinal);

        var noModel = FineTuneTool.Run(runs.Work, "train", "--input", "train.fasta", "--out", "bad/y").SingleError(2);
        Assert.Contains("--model", noModel, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(runs.Work, "bad", "x")));
    }
}
