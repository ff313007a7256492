namespace Connectomics.Lora.Training;

/// <summary>One tokenized read held in memory for training.</summary>
/// <param name="Id">The read's identifier, for error messages.</param>
/// <param name="TokenIds">The token ids, <c>&lt;cls&gt;</c> first, at most the configured token limit.</param>
/// <param name="Labels">The label index per taxonomy rank (7 entries, -100 where unknown); <see langword="null"/> for
/// unlabelled reads (masked-LM pre-training).</param>
internal sealed record TrainingExample(string Id, int[] TokenIds, long[]? Labels);
