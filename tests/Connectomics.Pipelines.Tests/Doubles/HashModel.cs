using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Connectomics.Embeddings;
using Connectomics.Sequences;

namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>
/// A deterministic model: a record's vector is a float pattern seeded by a hash of its sequence, plus a tiny term
/// that depends on the whole call (its summed cost), as real batched numerics do; so equal vectors across runs also
/// prove equal calls. One model unit per residue; <c>N</c> is unknown; an empty sequence cannot be embedded.
/// </summary>
public sealed class HashModel : IEmbeddingModel<SequenceRecord>
{
    public HashModel(int dimension = 8, string fingerprint = "f00d")
    {
        Descriptor = new ModelDescriptor("hash-model", dimension, fingerprint)
        {
            Properties = new Dictionary<string, string> { ["pooling"] = "mean", ["normalize"] = "false" },
        };
    }

    public ModelDescriptor Descriptor { get; }

    public FailurePoint PrepareFailure { get; } = new("prepare");

    public FailurePoint EncodeFailure { get; } = new("encode");

    /// <summary>Gets every call's inputs (their sequences), in the order the calls started.</summary>
    public ConcurrentQueue<string[]> Calls { get; } = new();

    /// <summary>Units the model adds to every input's cost whatever the input (as a transformer's <c>&lt;cls&gt;</c>).</summary>
    public int AddedUnits { get; set; }

    /// <summary>When set, each call waits for it first.</summary>
    public Func<Task>? BeforeEncode { get; set; }

    public PreparedInput Prepare(SequenceRecord input)
    {
        PrepareFailure.Hit();
        if (string.IsNullOrEmpty(input.Sequence))
        {
            return PreparedInput.Unusable("The sequence is empty.");
        }

        return PreparedInput.Usable(input.Sequence, input.Sequence.Length + AddedUnits, input.Sequence.Count(c => c == 'N'), AddedUnits);
    }

    public async Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (BeforeEncode is { } wait)
        {
            await wait();
        }

        EncodeFailure.Hit();
        Calls.Enqueue(inputs.Select(i => (string)i.Payload!).ToArray());
        var cost = inputs.Sum(i => i.Cost);
        return inputs.Select(i => (ReadOnlyMemory<float>)VectorOf((string)i.Payload!, Descriptor.Dimension, cost)).ToList();
    }

    public static float[] VectorOf(string sequence, int dimension, int callCost)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sequence));
        var random = new Random(BitConverter.ToInt32(hash, 0));
        var vector = new float[dimension];
        for (var d = 0; d < dimension; d++)
        {
            vector[d] = (float)((random.NextDouble() * 2) - 1) + (callCost * 1e-6f);
        }

        return vector;
    }

    public void Dispose()
    {
    }
}
