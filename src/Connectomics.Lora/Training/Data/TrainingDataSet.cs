using System.Security.Cryptography;
using Connectomics.Gpu.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Training;

/// <summary>
/// Tokenized reads held in memory, visited in a seeded order per epoch and cut into padded batches. The batches of an
/// epoch depend only on the reads, the seed, the epoch and the batching options, so a <see cref="DataPosition"/>
/// fully determines what comes next.
/// </summary>
internal sealed class TrainingDataSet
{
    private readonly TrainingExample[] _examples;
    private readonly BatchSizing _sizing;
    private readonly long _seed;
    private readonly int _padTokenId;
    private (int Epoch, IReadOnlyList<int[]> Batches)? _cached;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="examples">The tokenized reads (at least one).</param>
    /// <param name="sizing">How batches are cut.</param>
    /// <param name="seed">The run's seed, from which each epoch's order is derived.</param>
    /// <param name="padTokenId">The id padding is written with.</param>
    public TrainingDataSet(IReadOnlyList<TrainingExample> examples, BatchSizing sizing, long seed, int padTokenId)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            throw new ArgumentException("The data set holds no reads.", nameof(examples));
        }

        _examples = [.. examples];
        _sizing = sizing;
        _seed = seed;
        _padTokenId = padTokenId;
        TokenCount = _examples.Sum(e => (long)e.TokenIds.Length);
        Fingerprint = ComputeFingerprint(_examples);
    }

    /// <summary>Gets the number of reads.</summary>
    public int Count => _examples.Length;

    /// <summary>Gets the number of tokens over all reads.</summary>
    public long TokenCount { get; }

    /// <summary>Gets a SHA-256 digest of every read's ids, tokens and labels, in order (hex).</summary>
    public string Fingerprint { get; }

    /// <summary>Gets the reads.</summary>
    public IReadOnlyList<TrainingExample> Examples => _examples;

    /// <summary>Tokenizes reads, truncating those over the token limit as Hugging Face does.</summary>
    /// <param name="reads">The reads: id, sequence and labels (<see langword="null"/> for unlabelled reads).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxTokens">The most tokens a read keeps, <c>&lt;cls&gt;</c> included.</param>
    /// <param name="source">The name of the input, for error messages.</param>
    /// <returns>The tokenized reads.</returns>
    /// <exception cref="ArgumentException">A read is empty; the message names the input and the read.</exception>
    public static List<TrainingExample> Tokenize(
        IEnumerable<(string Id, string Sequence, long[]? Labels)> reads, NucleotideTokenizer tokenizer, int maxTokens, string source)
    {
        ArgumentNullException.ThrowIfNull(reads);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var examples = new List<TrainingExample>();
        foreach (var (id, sequence, labels) in reads)
        {
            if (string.IsNullOrWhiteSpace(sequence))
            {
                throw new ArgumentException($"{source}: read '{id}' has an empty sequence.", nameof(reads));
            }

            var windows = tokenizer.EncodeWindows(sequence, maxTokens, LongSequencePolicy.Truncate, id);
            examples.Add(new TrainingExample(id, [.. windows[0]], labels));
        }

        return examples;
    }

    /// <summary>Gets the batches of an epoch, each a list of read indices, in the epoch's seeded order.</summary>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <returns>The batches.</returns>
    public IReadOnlyList<int[]> BatchesOf(int epoch)
    {
        if (_cached is { } cached && cached.Epoch == epoch)
        {
            return cached.Batches;
        }

        var order = EpochShuffle.Order(_examples.Length, _seed, epoch);
        var batches = _sizing.Cut(order, i => _examples[i].TokenIds.Length);
        _cached = (epoch, batches);
        return batches;
    }

    /// <summary>Gets the batches in the data's own order, without shuffling (for validation).</summary>
    /// <returns>The batches.</returns>
    public IReadOnlyList<int[]> BatchesInOrder() =>
        _sizing.Cut(Enumerable.Range(0, _examples.Length).ToArray(), i => _examples[i].TokenIds.Length);

    /// <summary>Builds a batch's tensors on a device, right-padded to its longest read.</summary>
    /// <param name="indices">The reads of the batch.</param>
    /// <param name="device">The device.</param>
    /// <returns>The batch; the caller disposes it.</returns>
    public TrainingBatch Collate(int[] indices, Device device)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var length = indices.Max(i => _examples[i].TokenIds.Length);
        var ids = new long[indices.Length * length];
        var mask = new long[indices.Length * length];
        Array.Fill(ids, _padTokenId);
        long tokens = 0;
        var labelled = _examples[indices[0]].Labels is not null;
        var labels = labelled ? new long[indices.Length * 7] : null;
        for (var row = 0; row < indices.Length; row++)
        {
            var example = _examples[indices[row]];
            for (var t = 0; t < example.TokenIds.Length; t++)
            {
                ids[(row * length) + t] = example.TokenIds[t];
                mask[(row * length) + t] = 1;
            }

            tokens += example.TokenIds.Length;
            if (labels is not null)
            {
                var source = example.Labels ?? throw new InvalidOperationException($"Read '{example.Id}' has no labels in a labelled data set.");
                Array.Copy(source, 0, labels, row * 7, 7);
            }
        }

        long[] shape = [indices.Length, length];
        var inputIds = OnDevice(torch.tensor(ids, shape, ScalarType.Int64), device);
        var attentionMask = OnDevice(torch.tensor(mask, shape, ScalarType.Int64), device);
        var labelTensor = labels is null ? null : OnDevice(torch.tensor(labels, [indices.Length, 7L], ScalarType.Int64), device);
        return new TrainingBatch(inputIds, attentionMask, labelTensor, tokens);
    }

    private static Tensor OnDevice(Tensor host, Device device)
    {
        if (host.device_type == device.type && host.device_index == device.index)
        {
            return host;
        }

        using (host)
        {
            return host.to(device);
        }
    }

    private static string ComputeFingerprint(TrainingExample[] examples)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[8];
        foreach (var example in examples)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(example.Id));
            BitConverter.TryWriteBytes(buffer, (long)example.TokenIds.Length);
            hash.AppendData(buffer);
            foreach (var id in example.TokenIds)
            {
                BitConverter.TryWriteBytes(buffer[..4], id);
                hash.AppendData(buffer[..4]);
            }

            foreach (var label in example.Labels ?? [])
            {
                BitConverter.TryWriteBytes(buffer, label);
                hash.AppendData(buffer);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
