using System.ComponentModel.DataAnnotations;

namespace Connectomics.Lora.Training;

/// <summary>
/// The settings every training loop shares: epochs and steps, AdamW's learning rate and decay, the warm-up + cosine
/// schedule, batching, gradient accumulation and clipping, checkpoints, validation and early stopping, seeding.
/// </summary>
/// <remarks>Every setting that changes what the run computes is part of the fingerprint stored in each checkpoint;
/// a resume with a different value is refused, naming it.</remarks>
public abstract class TrainingOptions
{
    /// <summary>Gets or sets the number of passes over the training reads.</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 1_000_000)]
    public int Epochs { get; set; } = 3;

    /// <summary>Gets or sets a cap on the optimizer steps; the schedule then spans this many steps.</summary>
    /// <value>The default value is <see langword="null"/>: as many steps as <see cref="Epochs"/> take.</value>
    [Range(1, long.MaxValue)]
    public long? MaxSteps { get; set; }

    /// <summary>Gets or sets the peak learning rate (reached after warm-up).</summary>
    /// <value>The default value is 5e-4.</value>
    [Range(1e-12, 10.0)]
    public double LearningRate { get; set; } = 5e-4;

    /// <summary>Gets or sets the fraction of the optimizer steps spent warming up linearly from 0.</summary>
    /// <value>The default value is 0.1.</value>
    [Range(0.0, 1.0)]
    public double WarmupFraction { get; set; } = 0.1;

    /// <summary>Gets or sets the floor of the cosine decay as a fraction of <see cref="LearningRate"/> (Hugging Face's
    /// <c>min_lr_rate</c>).</summary>
    /// <value>The default value is 0: the cosine decays to 0.</value>
    [Range(0.0, 1.0)]
    public double MinLearningRateRatio { get; set; }

    /// <summary>Gets or sets AdamW's decoupled weight decay (not applied to biases and LayerNorm weights).</summary>
    /// <value>The default value is 0.01.</value>
    [Range(0.0, 10.0)]
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Gets or sets the reads per batch when <see cref="BatchTokens"/> is not set.</summary>
    /// <value>The default value is 16.</value>
    [Range(1, 1 << 20)]
    public int BatchSize { get; set; } = 16;

    /// <summary>Gets or sets a token budget per batch: reads are taken in shuffled order while the padded batch
    /// (reads × longest read) stays within it.</summary>
    /// <value>The default value is <see langword="null"/>: batches of <see cref="BatchSize"/> reads.</value>
    [Range(2, int.MaxValue)]
    public int? BatchTokens { get; set; }

    /// <summary>Gets or sets the batches whose gradients are summed before each optimizer step.</summary>
    /// <value>The default value is 1.</value>
    [Range(1, 1_000_000)]
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>Gets or sets the global gradient-norm limit; the pre-clip norm is logged either way.</summary>
    /// <value>The default value is 1.0; <see langword="null"/> disables clipping.</value>
    [Range(1e-12, double.MaxValue)]
    public double? MaxGradientNorm { get; set; } = 1.0;

    /// <summary>Gets or sets the most tokens a read keeps (<c>&lt;cls&gt;</c> included); longer reads are truncated.</summary>
    /// <value>The default value is <see langword="null"/>: the model's limit.</value>
    [Range(2, int.MaxValue)]
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets the seed of the shuffling, the validation split, the adapters' initialisation, dropout and
    /// masking.</summary>
    /// <value>The default value is 0.</value>
    public long Seed { get; set; }

    /// <summary>Gets or sets a value indicating whether encoder layers recompute their activations in the backward
    /// pass instead of keeping them (less memory, about one more forward pass of compute).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Gets or sets a value indicating whether, on CUDA, the projections run in bfloat16 with float32 master
    /// weights (autocast); ignored with a warning on CPU, which stays float32.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool BFloat16OnCuda { get; set; }

    /// <summary>Gets or sets the optimizer steps between checkpoints; checkpoints are written at every epoch end too.</summary>
    /// <value>The default value is 500; <see langword="null"/> for epoch ends only.</value>
    [Range(1, int.MaxValue)]
    public int? CheckpointEverySteps { get; set; } = 500;

    /// <summary>Gets or sets how many of the newest checkpoints are kept (the best one is always kept as well).</summary>
    /// <value>The default value is 3.</value>
    [Range(1, 10_000)]
    public int KeepCheckpoints { get; set; } = 3;

    /// <summary>Gets or sets a value indicating whether a run continues from the newest checkpoint in its directory.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ResumeFromLatest { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether TensorBoard event files are written (under
    /// <see cref="TensorBoardDirectory"/>, or <c>runs/</c> in the checkpoint directory).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool WriteTensorBoard { get; set; } = true;

    /// <summary>Gets or sets the directory of the TensorBoard event files.</summary>
    /// <value>The default value is <see langword="null"/>: <c>runs/</c> in the checkpoint directory.</value>
    public string? TensorBoardDirectory { get; set; }

    /// <summary>Gets or sets the fraction of the training reads held out for validation (a seeded split) when no
    /// separate validation input is given; 0 for no validation.</summary>
    /// <value>The default value is 0.1.</value>
    [Range(0.0, 0.9)]
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Gets or sets the validation metric that chooses the best checkpoint and drives early stopping:
    /// <c>loss</c> (lower is better) or, for taxonomy fine-tuning, <c>accuracy/&lt;rank&gt;</c>,
    /// <c>macro_f1/&lt;rank&gt;</c>, <c>accuracy/mean</c>, <c>macro_f1/mean</c> (higher is better).</summary>
    /// <value>The default value is <c>loss</c>.</value>
    [Required]
    public string EarlyStoppingMetric { get; set; } = "loss";

    /// <summary>Gets or sets the epochs without improvement of <see cref="EarlyStoppingMetric"/> after which the run
    /// stops.</summary>
    /// <value>The default value is <see langword="null"/>: no early stopping.</value>
    [Range(1, int.MaxValue)]
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>Gets a value indicating whether a larger value of <see cref="EarlyStoppingMetric"/> is better.</summary>
    internal bool HigherIsBetter => !string.Equals(EarlyStoppingMetric, "loss", StringComparison.Ordinal);

    /// <summary>Adds the settings that decide what the run computes to a fingerprint.</summary>
    /// <param name="fingerprint">The fingerprint.</param>
    internal void AddTo(RunFingerprint fingerprint)
    {
        fingerprint
            .Add(nameof(Epochs), Epochs)
            .Add(nameof(MaxSteps), MaxSteps)
            .Add(nameof(LearningRate), LearningRate)
            .Add(nameof(WarmupFraction), WarmupFraction)
            .Add(nameof(MinLearningRateRatio), MinLearningRateRatio)
            .Add(nameof(WeightDecay), WeightDecay)
            .Add(nameof(BatchSize), BatchTokens is null ? BatchSize : null)
            .Add(nameof(BatchTokens), BatchTokens)
            .Add(nameof(GradientAccumulationSteps), GradientAccumulationSteps)
            .Add(nameof(MaxGradientNorm), MaxGradientNorm)
            .Add(nameof(MaxTokens), MaxTokens)
            .Add(nameof(Seed), Seed)
            .Add(nameof(BFloat16OnCuda), BFloat16OnCuda)
            .Add(nameof(ValidationFraction), ValidationFraction)
            .Add(nameof(EarlyStoppingMetric), EarlyStoppingMetric)
            .Add(nameof(EarlyStoppingPatience), EarlyStoppingPatience);
    }
}
