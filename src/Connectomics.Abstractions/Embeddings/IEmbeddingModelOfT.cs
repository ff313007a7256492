namespace Connectomics.Embeddings;

/// <summary>
/// Maps inputs of one kind (sequence reads today, 3-D blocks next) to fixed-size vectors in two steps a pipeline can
/// run on different threads: <see cref="Prepare"/> on the CPU, in parallel; <see cref="EncodeAsync"/> on the device.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. Equal prepared inputs passed in equal lists give bit-identical vectors, whatever
/// else runs at the same time, which is what lets a resumed run reproduce an uninterrupted one.
/// </remarks>
/// <typeparam name="TInput">The input type.</typeparam>
public interface IEmbeddingModel<in TInput> : IDisposable
{
    /// <summary>Gets what the model is, with the fingerprint of its weights and configuration.</summary>
    ModelDescriptor Descriptor { get; }

    /// <summary>Makes an input ready to encode. Never throws for bad input: it returns an unusable input saying why.</summary>
    /// <param name="input">The input.</param>
    /// <returns>The prepared input.</returns>
    PreparedInput Prepare(TInput input);

    /// <summary>Encodes prepared, usable inputs.</summary>
    /// <param name="inputs">Inputs from <see cref="Prepare"/>, all usable.</param>
    /// <param name="cancellationToken">Cancels the work between device batches.</param>
    /// <returns>One vector of <see cref="ModelDescriptor.Dimension"/> values per input, in order.</returns>
    Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default);
}
