using System.CommandLine;
using Connectomics.FineTune.Jobs;

namespace Connectomics.FineTune.Cli;

/// <summary><c>train</c>: LoRA fine-tuning of a saved model on a 7-rank taxonomy.</summary>
internal sealed class TrainCommandLine
{
    public InputOptions Inputs { get; } = new("The labelled training reads", withTaxonomy: true);

    public Option<string[]> Validation { get; } = new("--validation") { Description = "Labelled reads to validate on after every epoch (same format and columns). Default: a seeded share of --input (--validation-fraction).", AllowMultipleArgumentsPerToken = true };

    public Option<string> Model { get; } = new("--model") { Description = "The base model: a Hugging Face directory, such as pretrain's --out. Its weights stay frozen.", Required = true };

    public Option<string> Out { get; } = new("--out") { Description = "The run directory: the adapter in PEFT's layout (adapter_config.json, adapter_model.safetensors) and the taxonomy head (taxonomy_head.safetensors, taxonomy_labels.json) at the end, checkpoints and TensorBoard logs (runs/) meanwhile. The same command with the same --out resumes from its newest checkpoint; other settings are refused.", Required = true };

    public Option<int> Rank { get; } = new("--rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => FineTuneDefaults.Rank };

    public Option<double> Alpha { get; } = new("--alpha") { Description = "LoRA alpha; the update is scaled by alpha / r.", DefaultValueFactory = _ => FineTuneDefaults.Alpha };

    public Option<double> Dropout { get; } = new("--dropout") { Description = "Dropout on the adapters' input.", DefaultValueFactory = _ => FineTuneDefaults.Dropout };

    public Option<string> Targets { get; } = new("--targets") { Description = "Modules that get adapters, comma-separated (PEFT's matching: a name or a name ending in '.name').", DefaultValueFactory = _ => FineTuneDefaults.Targets };

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Passes over the training reads.", DefaultValueFactory = _ => FineTuneDefaults.TrainEpochs };

    public Option<int> BatchTokens { get; } = new("--batch-tokens") { Description = "Token budget of a batch (reads x longest read).", DefaultValueFactory = _ => FineTuneDefaults.BatchTokens };

    public Option<int> MaxTokens { get; } = new("--max-tokens") { Description = "Tokens kept per read, <cls> included; longer reads are truncated (300 covers a 1.5 kb read of 6-mers with room to spare). predict uses the same.", DefaultValueFactory = _ => FineTuneDefaults.MaxTokens };

    public Option<double?> LearningRate { get; } = new("--learning-rate") { Description = "Peak learning rate (default: the trainer's, 5e-4 for fine-tuning), reached after a linear warm-up over the first 10% of the steps, then cosine decay to 0." };

    public Option<double> ValidationFraction { get; } = new("--validation-fraction") { Description = "Share of --input held out for validation when no --validation is given (0 for none).", DefaultValueFactory = _ => FineTuneDefaults.ValidationFraction };

    public Option<int> EarlyStopping { get; } = new("--early-stopping") { Description = "Stop after this many epochs without a better validation macro-F1 (mean over the ranks); the best epoch's adapter and head are saved. 0 turns it off.", DefaultValueFactory = _ => FineTuneDefaults.EarlyStoppingPatience };

    public Option<int> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Optimizer steps between checkpoints (each epoch's end writes one too).", DefaultValueFactory = _ => FineTuneDefaults.CheckpointEvery };

    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of the adapters' initialisation, the shuffling, dropout and the validation split.", DefaultValueFactory = _ => 0 };

    public Option<bool> GradientCheckpointing { get; } = new("--gradient-checkpointing") { Description = "Recompute each encoder layer in the backward pass: less memory, about a third more compute." };

    public Option<bool> BFloat16 { get; } = new("--bf16") { Description = "On CUDA, run the projections in bfloat16 over float32 weights (less memory and time); ignored with a warning on CPU." };

    public Option<string> Device { get; } = new("--device") { Description = "auto (CUDA when available), cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log every step and the process settings." };

    public Command CreateCommand()
    {
        var command = new Command("train", "Fine-tunes a saved model with LoRA adapters and a 7-rank taxonomy head (kingdom to species) on labelled reads; only the adapters and the head train. The adapter is saved in PEFT's layout, so 'connectomics-embed --adapter' and PEFT load it.");
        foreach (var option in Inputs.All)
        {
            command.Options.Add(option);
        }

        foreach (var option in new Option[] { Validation, Model, Out, Rank, Alpha, Dropout, Targets, Epochs, BatchTokens, MaxTokens, LearningRate, ValidationFraction, EarlyStopping, CheckpointEvery, Seed, GradientCheckpointing, BFloat16, Device, Verbose })
        {
            command.Options.Add(option);
        }

        return command;
    }

    public TrainRequest ToRequest(ParseResult parsed)
    {
        var validation = InputOptions.Split(parsed.GetValue(Validation));
        var targets = InputOptions.Split([parsed.GetValue(Targets)!]);
        if (targets.Count == 0)
        {
            throw new UsageException("--targets names no module.");
        }

        var patience = parsed.GetValue(EarlyStopping);
        if (patience < 0)
        {
            throw new UsageException("--early-stopping must be 0 (off) or a positive number of epochs.");
        }

        return new TrainRequest
        {
            Input = Inputs.Read(parsed),
            Validation = validation.Count == 0 ? null : Inputs.With(parsed, validation),
            Model = parsed.GetValue(Model)!,
            Output = parsed.GetValue(Out)!,
            Rank = parsed.GetValue(Rank),
            Alpha = parsed.GetValue(Alpha),
            Dropout = parsed.GetValue(Dropout),
            Targets = targets,
            Epochs = parsed.GetValue(Epochs),
            BatchTokens = parsed.GetValue(BatchTokens),
            MaxTokens = parsed.GetValue(MaxTokens),
            LearningRate = parsed.GetValue(LearningRate),
            ValidationFraction = parsed.GetValue(ValidationFraction),
            EarlyStoppingPatience = patience == 0 ? null : patience,
            CheckpointEvery = parsed.GetValue(CheckpointEvery),
            Seed = parsed.GetValue(Seed),
            GradientCheckpointing = parsed.GetValue(GradientCheckpointing),
            BFloat16 = parsed.GetValue(BFloat16),
            Device = parsed.GetValue(Device)!,
        };
    }
}
