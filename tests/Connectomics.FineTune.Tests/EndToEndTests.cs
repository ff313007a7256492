using System.Globalization;
using Connectomics.Lora.Taxonomy;

namespace Connectomics.FineTune.Tests;

/// <summary>pretrain → train → predict, as the commands are documented, and the predictions file they end with.</summary>
[Collection(FineTuneToolCollection.Name)]
public sealed class EndToEndTests(TrainedRunFixture runs)
{
    [Fact]
    public void Pretrain_train_and_predict_classify_held_out_reads_far_above_chance()
    {
        // The pre-trained model is a Hugging Face directory; the run holds the PEFT adapter, the head and its logs.
        foreach (var file in new[] { "config.json", "vocab.txt", "model.safetensors" })
        {
            Assert.True(File.Exists(Path.Combine(runs.Work, "base", file)), "base/" + file);
        }

        foreach (var file in new[] { "adapter_config.json", "adapter_model.safetensors", "taxonomy_head.safetensors", "taxonomy_labels.json", "connectomics-finetune.json" })
        {
            Assert.True(File.Exists(Path.Combine(runs.Work, "run", file)), "run/" + file);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(runs.Work, "run", "runs"), "events.out.tfevents.*"));
        Assert.Contains("validation accuracy", runs.Training.Stdout, StringComparison.Ordinal);

        var predict = FineTuneTool.Run(runs.Work, "predict", "--model", "base", "--adapter", "run", "--input", "test.fasta", "--out", "held-out.tsv", "--min-confidence", "0", "--evaluate", "--device", "cpu").Succeeded();
        Assert.Contains("accuracy against the input's taxonomy (32 reads", predict.Stdout, StringComparison.Ordinal);

        // Scored here from the file against the reads' true lineages: 2 kingdoms, 4 families, 8 genera, 16 species.
        var tsv = PredictionsTsv.Read(Path.Combine(runs.Work, "held-out.tsv"));
        var accuracy = Enumerable.Range(0, TaxonomyPath.RankCount)
            .Select(r => tsv.Rows.Zip(runs.Test).Count(p => p.First.Ranks[r] == p.Second.Taxonomy.Names[r]) / (double)runs.Test.Count)
            .ToArray();
        string Report() => string.Join(", ", accuracy.Select(a => a.ToString("F3", CultureInfo.InvariantCulture)));
        Assert.True(accuracy[(int)TaxonomyRank.Kingdom] >= 0.9, "kingdom: " + Report());
        Assert.True(accuracy[(int)TaxonomyRank.Family] >= 0.6, "family (chance 0.25): " + Report());
        Assert.True(accuracy[(int)TaxonomyRank.Genus] >= 0.4, "genus (chance 0.125): " + Report());
    }

    [Fact]
    public void The_tsv_has_a_header_then_one_row_per_read_in_input_order_with_seven_ranks_on_the_label_tree()
    {
        FineTuneTool.Run(runs.Work, "predict", "--model", "base", "--adapter", "run", "--input", "test.fasta", "--out", "out/predictions.tsv", "--device", "cpu").Succeeded();
        var tsv = PredictionsTsv.Read(Path.Combine(runs.Work, "out", "predictions.tsv"));

        Assert.Equal(PredictionsTsv.ExpectedHeader, tsv.Header);
        Assert.Equal(runs.Test.Select(r => r.Id), tsv.Rows.Select(r => r.Id));
        var parents = ParentsIn(runs.Train);
        foreach (var row in tsv.Rows)
        {
            Assert.All(row.Probabilities, p => Assert.InRange(p, 0.0, 1.0));

            // Hierarchical with a confidence floor (the defaults): assigned ranks come first, each under the label
            // above it as training saw them, and each at least 0.5 likely; the rest are empty.
            var assigned = row.Ranks.TakeWhile(r => r is not null).Count();
            Assert.All(row.Ranks.Skip(assigned), r => Assert.Null(r));
            for (var r = 0; r < assigned; r++)
            {
                Assert.True(row.Probabilities[r] >= 0.5, $"{row.Id}: rank {r} assigned at {row.Probabilities[r]}");
                if (r > 0)
                {
                    Assert.Equal(row.Ranks[r - 1], parents[(r, row.Ranks[r]!)]);
                }
            }

            if (assigned < TaxonomyPath.RankCount)
            {
                Assert.True(row.Probabilities[assigned] < 0.5, $"{row.Id}: rank {assigned} unassigned at {row.Probabilities[assigned]}");
            }
        }

        // With no floor every rank of every read is named.
        FineTuneTool.Run(runs.Work, "predict", "--model", "base", "--adapter", "run", "--input", "test.fasta", "--out", "out/all.tsv", "--min-confidence", "0", "--hierarchical", "false", "--device", "cpu").Succeeded();
        Assert.All(PredictionsTsv.Read(Path.Combine(runs.Work, "out", "all.tsv")).Rows, row => Assert.All(row.Ranks, r => Assert.NotNull(r)));
    }

    private static Dictionary<(int Rank, string Name), string> ParentsIn(IEnumerable<LabelledSequence> reads)
    {
        var parents = new Dictionary<(int, string), string>();
        foreach (var read in reads)
        {
            for (var r = 1; r < TaxonomyPath.RankCount; r++)
            {
                parents[(r, read.Taxonomy.Names[r]!)] = read.Taxonomy.Names[r - 1]!;
            }
        }

        return parents;
    }
}
