using System.CommandLine;
using Connectomics.FineTune.Jobs;

namespace Connectomics.FineTune.Cli;

/// <summary>The tool's commands (<c>pretrain</c>, <c>train</c>, <c>predict</c>) and, without one, the demo's options.</summary>
internal sealed class FineTuneCommandLine
{
    public PretrainCommandLine Pretrain { get; } = new();

    public TrainCommandLine Train { get; } = new();

    public PredictCommandLine Predict { get; } = new();

    public Option<string> DemoDirectory { get; } = new("--demo-dir") { Description = "Without a command: where the demo writes its reads, models, logs and predictions.", DefaultValueFactory = _ => "connectomics-finetune-demo" };

    public Option<bool> Restart { get; } = new("--restart") { Description = "Without a command: delete the demo directory first and start over (by default a second run reuses the finished runs)." };

    public Option<string> Device { get; } = new("--device") { Description = "Without a command: auto (CUDA when available), cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log every step and the process settings." };

    public RootCommand CreateRoot() => new(
        "Adapts a Nucleotide Transformer encoder to classify DNA reads at seven taxonomic ranks: pretrain (masked-LM, from a preset or a saved model), train (LoRA adapters and a taxonomy head; resumable; the adapter in PEFT's layout), predict (a TSV of lineages and probabilities). "
        + "Without a command it runs a demo on synthetic reads: pre-trains 'tiny' briefly, fine-tunes it for a few minutes on the CPU, prints per-rank accuracy beside chance, and classifies held-out reads with the saved adapter.")
    {
        Pretrain.CreateCommand(),
        Train.CreateCommand(),
        Predict.CreateCommand(),
        DemoDirectory,
        Restart,
        Device,
        Verbose,
    };

    public DemoRequest ToDemoRequest(ParseResult parsed) => new(parsed.GetValue(DemoDirectory)!, parsed.GetValue(Restart), parsed.GetValue(Device)!);
}
