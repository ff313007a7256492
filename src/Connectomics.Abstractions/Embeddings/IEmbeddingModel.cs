using Connectomics.Sequences;

namespace Connectomics.Embeddings;

/// <summary>Maps sequence records to fixed-size vectors.</summary>
/// <remarks>
/// Implementations are thread-safe: several callers may embed at once, and the results come back in the order of
/// the records passed in, whatever batching, bucketing or device placement happens inside. An implementation
/// that owns native resources (weights on a device) releases them in <see cref="IDisposable.Dispose"/>.
/// </remarks>
public interface IEmbeddingModel : IDisposable
{
    /// <summary>Gets a short name for logs and metrics (a preset name or a checkpoint directory name).</summary>
    string Name { get; }

    /// <summary>Gets the length of every vector this model produces.</summary>
    int Dimension { get; }

    /// <summary>Embeds a batch of records.</summary>
    /// <param name="records">The records; any number, in any order of lengths.</param>
    /// <param name="cancellationToken">Cancels the work between device batches.</param>
    /// <returns>One embedding per record, in the order of <paramref name="records"/>.</returns>
    Task<IReadOnlyList<SequenceEmbedding>> EmbedAsync(IReadOnlyList<SequenceRecord> records, CancellationToken cancellationToken = default);
}
