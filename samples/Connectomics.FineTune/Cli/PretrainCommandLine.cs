using System.CommandLine;
using Connectomics.FineTune.Jobs;

namespace Connectomics.FineTune.Cli;

/// <summary><c>pretrain</c>: masked-LM pre-training of a preset from scratch, or continued from a saved model.</summary>
internal sealed class PretrainCommandLine
{
    public InputOptions Inputs { get; } = new("The reads to pre-train on", withTaxonomy: false);

    public Option<string[]> Validation { get; } = new("--validation") { Description = "Reads to validate on (same format and columns). Default: a seeded share of --input (--validation-fraction).", AllowMultipleArgumentsPerToken = true };

    public Option<string> Out { get; } = new("--out") { Description = "The output directory: the model in the Hugging Face layout (config.json, vocab.txt, model.safetensors) at the end, checkpoints and TensorBoard logs (runs/) meanwhile. The same command with the same --out resumes from its newest checkpoint.", Required = true };

    public Option<string?> Preset { get; } = new("--preset") { Description = "Start from a preset with fresh weights (tiny, v2-50m, ...). Default: tiny, unless --model is given." };

    public Option<string?> Model { get; } = new("--model") { Description = "Continue pre-training a saved model (a Hugging Face directory, such as an earlier --out)." };

    public Option<int?> Epochs { get; } = new("--epochs") { Description = $"Passes over the reads (default {FineTuneDefaults.PretrainEpochs}). Exclusive with --steps." };

    public Option<long?> Steps { get; } = new("--steps") { Description = "Optimizer steps to take (the schedule spans them), instead of --epochs." };

    public Option<int> BatchTokens { get; } = new("--batch-tokens") { Description = "Token budget of a batch (reads x longest read).", DefaultValueFactory = _ => FineTuneDefaults.BatchTokens };

    public Option<int> MaxTokens { get; } = new("--max-tokens") { Description = "Tokens kept per read, <cls> included; longer reads are truncated (300 covers a 1.5 kb read of 6-mers with room to spare).", DefaultValueFactory = _ => FineTuneDefaults.MaxTokens };

    public Option<double?> LearningRate { get; } = new("--learning-rate") { Description = "Peak learning rate after warm-up (default: the trainer's, 1e-4 for pre-training), then cosine decay." };

    public Option<double> ValidationFraction { get; } = new("--validation-fraction") { Description = "Share of --input held out for validation when no --validation is given (0 for none).", DefaultValueFactory = _ => FineTuneDefaults.ValidationFraction };

    public Option<int> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Optimizer steps between checkpoints (each epoch's end writes one too).", DefaultValueFactory = _ => FineTuneDefaults.CheckpointEvery };

    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of a preset's weights, the shuffling, the masking and the validation split.", DefaultValueFactory = _ => 0 };

    public Option<bool> GradientCheckpointing { get; } = new("--gradient-checkpointing") { Description = "Recompute each encoder layer in the backward pass: less memory, about a third more compute." };

    public Option<bool> BFloat16 { get; } = new("--bf16") { Description = "On CUDA, run the projections in bfloat16 over float32 weights (less memory and time); ignored with a warning on CPU." };

    public Option<string> Device { get; } = new("--device") { Description = "auto (CUDA when available), cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log every step and the process settings." };

    public Command CreateCommand()
    {
        var command = new Command("pretrain", "Pre-trains an encoder with the masked-LM objective of the Nucleotide Transformer (15% of tokens masked; 80% <mask>, 10% random, 10% kept) and saves it in the Hugging Face layout, for 'train --model'.");
        foreach (var option in Inputs.All.Where(o => o != Inputs.TaxonomyColumn))
        {
            command.Options.Add(option);
        }

        foreach (var option in new Option[] { Validation, Out, Preset, Model, Epochs, Steps, BatchTokens, MaxTokens, LearningRate, ValidationFraction, CheckpointEvery, Seed, GradientCheckpointing, BFloat16, Device, Verbose })
        {
            command.Options.Add(option);
        }

        return command;
    }

    public PretrainRequest ToRequest(ParseResult parsed)
    {
        var preset = parsed.GetValue(Preset);
        var model = parsed.GetValue(Model);
        if (preset is not null && model is not null)
        {
            throw new UsageException("--preset starts from fresh weights and --model continues a saved model: give one or the other.");
        }

        var epochs = parsed.GetValue(Epochs);
        var steps = parsed.GetValue(Steps);
        if (epochs is not null && steps is not null)
        {
            throw new UsageException("--epochs and --steps both set the length of the run: give one or the other.");
        }

        var validation = InputOptions.Split(parsed.GetValue(Validation));
        return new PretrainRequest
        {
            Input = Inputs.Read(parsed),
            Validation = validation.Count == 0 ? null : Inputs.With(parsed, validation),
            Output = parsed.GetValue(Out)!,
            Preset = preset ?? "tiny",
            Model = model,
            Epochs = epochs ?? FineTuneDefaults.PretrainEpochs,
            Steps = steps,
            BatchTokens = parsed.GetValue(BatchTokens),
            MaxTokens = parsed.GetValue(MaxTokens),
            LearningRate = parsed.GetValue(LearningRate),
            ValidationFraction = parsed.GetValue(ValidationFraction),
            CheckpointEvery = parsed.GetValue(CheckpointEvery),
            Seed = parsed.GetValue(Seed),
            GradientCheckpointing = parsed.GetValue(GradientCheckpointing),
            BFloat16 = parsed.GetValue(BFloat16),
            Device = parsed.GetValue(Device)!,
        };
    }
}
