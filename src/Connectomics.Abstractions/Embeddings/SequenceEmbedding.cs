using Connectomics.Sequences;

namespace Connectomics.Embeddings;

/// <summary>The vector a model produced for one <see cref="SequenceRecord"/>.</summary>
/// <param name="Record">The record the vector belongs to.</param>
/// <param name="Vector">The embedding; its length is the model's <see cref="IEmbeddingModel.Dimension"/>.</param>
/// <param name="TokenCount">The number of tokens the model saw for this record, special tokens included,
/// summed over windows when the record was split.</param>
/// <param name="WindowCount">How many windows the record was split into (1 unless a split policy applied).</param>
public sealed record SequenceEmbedding(SequenceRecord Record, ReadOnlyMemory<float> Vector, int TokenCount, int WindowCount = 1)
{
    /// <summary>Gets the id of the record.</summary>
    public string Id => Record.Id;
}
