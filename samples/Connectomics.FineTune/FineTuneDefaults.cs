namespace Connectomics.FineTune;

/// <summary>
/// The tool's defaults, chosen for real marker-gene reads (16S-like, about 1.5 kb; thousands of genera, many species
/// with a single read) rather than for the synthetic demo, which sets its own.
/// </summary>
internal static class FineTuneDefaults
{
    /// <summary>Tokens kept per read, <c>&lt;cls&gt;</c> included: 300 covers about 1.8 kb of clean 6-mers, so a whole
    /// 1.5 kb read with a few ambiguous bases (each a single-letter token) fits.</summary>
    public const int MaxTokens = 300;

    /// <summary>The token budget of a batch (reads × longest read): about 27 full-length reads.</summary>
    public const int BatchTokens = 8192;

    /// <summary>LoRA rank.</summary>
    public const int Rank = 16;

    /// <summary>LoRA alpha (scaling alpha / r = 2).</summary>
    public const double Alpha = 32;

    /// <summary>Dropout on the adapters' input.</summary>
    public const double Dropout = 0.1;

    /// <summary>The projections that get adapters.</summary>
    public const string Targets = "query,value";

    /// <summary>Fine-tuning epochs.</summary>
    public const int TrainEpochs = 10;

    /// <summary>Epochs without a better validation macro-F1 (mean over ranks) after which fine-tuning stops.</summary>
    public const int EarlyStoppingPatience = 3;

    /// <summary>Pre-training epochs when neither <c>--epochs</c> nor <c>--steps</c> is given.</summary>
    public const int PretrainEpochs = 3;

    /// <summary>The share of the training reads held out for validation when no <c>--validation</c> file is given.</summary>
    public const double ValidationFraction = 0.1;

    /// <summary>Optimizer steps between checkpoints (an epoch's end writes one too).</summary>
    public const int CheckpointEvery = 500;

    /// <summary>The least probability a rank's label needs to be reported; below it the rank and those under it are
    /// left unassigned (species of single-read taxa are often not known well enough).</summary>
    public const double MinConfidence = 0.5;
}
