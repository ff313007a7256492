using Connectomics.Lora.Taxonomy;

namespace Connectomics.FineTune.Tests;

/// <summary>
/// The runs the tests share, made once: the synthetic reads as FASTA, a <c>tiny</c> model pre-trained briefly
/// (<c>base/</c>), and a short LoRA fine-tuning of it (<c>run/</c>), each by the tool in its own process.
/// </summary>
public sealed class TrainedRunFixture : IDisposable
{
    private readonly TempDirectory _work = new("connectomics-finetune");

    public TrainedRunFixture()
    {
        (Train, Test) = Reads.Synthetic();
        Reads.WriteFasta(Path.Combine(Work, "train.fasta"), Train);
        Reads.WriteFasta(Path.Combine(Work, "test.fasta"), Test);
        Pretrain = FineTuneTool.Run(Work, "pretrain", "--input", "train.fasta", "--out", "base", "--steps", "8", "--batch-tokens", "2048", "--learning-rate", "1e-3", "--seed", "1", "--device", "cpu").Succeeded();
        Training = FineTuneTool.Run(Work, TrainArguments("train.fasta", "run")).Succeeded();
    }

    /// <summary>Gets the working directory of every run.</summary>
    public string Work => _work.Path;

    public IReadOnlyList<LabelledSequence> Train { get; }

    public IReadOnlyList<LabelledSequence> Test { get; }

    internal ToolRun Pretrain { get; }

    internal ToolRun Training { get; }

    /// <summary>The arguments of the shared fine-tuning run, for another input and output directory; <paramref name="changes"/>
    /// are option/value pairs that replace the shared run's value or add an option.</summary>
    public static string[] TrainArguments(string input, string output, params string[] changes)
    {
        var options = new List<(string Name, string Value)>
        {
            ("--epochs", "6"), ("--batch-tokens", "2048"), ("--learning-rate", "3e-3"), ("--checkpoint-every", "5"), ("--early-stopping", "0"), ("--seed", "3"), ("--device", "cpu"),
        };
        for (var i = 0; i < changes.Length; i += 2)
        {
            var at = options.FindIndex(o => o.Name == changes[i]);
            if (at >= 0)
            {
                options[at] = (changes[i], changes[i + 1]);
            }
            else
            {
                options.Add((changes[i], changes[i + 1]));
            }
        }

        return ["train", "--input", input, "--model", "base", "--out", output, .. options.SelectMany(o => new[] { o.Name, o.Value })];
    }

    public void Dispose() => _work.Dispose();
}

[CollectionDefinition(Name)]
public sealed class FineTuneToolCollection : ICollectionFixture<TrainedRunFixture>
{
    /// <summary>One collection: the classes share the runs and take turns on the CPU.</summary>
    public const string Name = "connectomics-finetune";
}
