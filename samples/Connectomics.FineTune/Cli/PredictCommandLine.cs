using System.CommandLine;
using Connectomics.FineTune.Jobs;

namespace Connectomics.FineTune.Cli;

/// <summary><c>predict</c>: classifies reads with a base model and a fine-tuning run's adapter and head.</summary>
internal sealed class PredictCommandLine
{
    public InputOptions Inputs { get; } = new("The reads to classify", withTaxonomy: false);

    public Option<string> Model { get; } = new("--model") { Description = "The base model the run was trained on (a Hugging Face directory).", Required = true };

    public Option<string> Adapter { get; } = new("--adapter") { Description = "The run directory (train's --out): the PEFT adapter with the taxonomy head beside it.", Required = true };

    public Option<string> Out { get; } = new("--out") { Description = "The TSV to write: a header, then per read sequence_id, taxonomy (7 ranks joined by ';', empty where unassigned) and kingdom_probability ... species_probability. Replaced only when complete.", Required = true };

    public Option<bool> Hierarchical { get; } = new("--hierarchical") { Description = "Keep predictions on the label tree seen in training: each rank's label is the most probable child of the label chosen above it. '--hierarchical false' chooses every rank on its own.", DefaultValueFactory = _ => true };

    public Option<double> MinConfidence { get; } = new("--min-confidence") { Description = "Least probability a rank's label needs; below it that rank and the ones under it are unassigned (empty). 0 assigns every rank.", DefaultValueFactory = _ => FineTuneDefaults.MinConfidence };

    public Option<bool> Evaluate { get; } = new("--evaluate") { Description = "The input carries the true taxonomy (as train's input does): print per-rank accuracy and macro-F1 against it." };

    public Option<int?> MaxTokens { get; } = new("--max-tokens") { Description = "Tokens kept per read, <cls> included. Default: what train used (from the run directory)." };

    public Option<int> BatchTokens { get; } = new("--batch-tokens") { Description = "Token budget of a batch (reads x longest read).", DefaultValueFactory = _ => FineTuneDefaults.BatchTokens };

    public Option<string> Device { get; } = new("--device") { Description = "auto (CUDA when available), cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log the process settings and details." };

    public Command CreateCommand()
    {
        var command = new Command("predict", "Classifies reads at every rank with a base model and a fine-tuning run (its LoRA adapter and taxonomy head), writing one TSV line per read in input order.");
        foreach (var option in Inputs.All)
        {
            command.Options.Add(option);
        }

        foreach (var option in new Option[] { Model, Adapter, Out, Hierarchical, MinConfidence, Evaluate, MaxTokens, BatchTokens, Device, Verbose })
        {
            command.Options.Add(option);
        }

        return command;
    }

    public PredictRequest ToRequest(ParseResult parsed)
    {
        var minConfidence = parsed.GetValue(MinConfidence);
        if (!(minConfidence >= 0 && minConfidence <= 1))
        {
            throw new UsageException("--min-confidence must be a probability in [0, 1].");
        }

        return new PredictRequest
        {
            Input = Inputs.Read(parsed),
            Model = parsed.GetValue(Model)!,
            Adapter = parsed.GetValue(Adapter)!,
            Output = parsed.GetValue(Out)!,
            Hierarchical = parsed.GetValue(Hierarchical),
            MinConfidence = minConfidence,
            Evaluate = parsed.GetValue(Evaluate),
            MaxTokens = parsed.GetValue(MaxTokens),
            BatchTokens = parsed.GetValue(BatchTokens),
            Device = parsed.GetValue(Device)!,
        };
    }
}
