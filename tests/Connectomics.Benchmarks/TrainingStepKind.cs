namespace Connectomics.Benchmarks;

/// <summary>What one measured training step updates.</summary>
internal enum TrainingStepKind
{
    /// <summary>LoRA fine-tuning: rank-16 adapters (alpha 32) on every query and value projection, plus the taxonomy
    /// head; the encoder's own weights are frozen.</summary>
    Lora,

    /// <summary>Full fine-tuning: every encoder parameter and the taxonomy head are trained.</summary>
    Full,

    /// <summary>Masked-LM pre-training: every encoder parameter and the masked-LM head, 15% of the tokens selected
    /// (80% masked, 10% random, 10% kept), the head run on the selected positions only.</summary>
    MaskedLm,
}
