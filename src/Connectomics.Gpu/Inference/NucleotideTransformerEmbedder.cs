using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Connectomics.Devices;
using Connectomics.Embeddings;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tokenization;
using Connectomics.Sequences;
using Connectomics.Tokenization;
using Microsoft.Extensions.Logging;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// Embeds DNA reads with a Nucleotide Transformer: tokenizes, packs reads of similar length into batches under a
/// token budget, runs them on one device or several (one model replica each, data-parallel), pools and returns
/// one vector per read in input order. Create one with <see cref="CreateBuilder"/>.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: concurrent calls share the device queues. Results do not depend on how reads were batched
/// (within float rounding). Dispose it to release the weights on every device.
/// </para>
/// <para>
/// As an <see cref="IEmbeddingModel{TInput}"/> it works in two steps: <see cref="Prepare"/> tokenizes one read on the
/// caller's thread and never throws for bad input; <see cref="EncodeAsync"/> embeds a list of prepared reads through
/// the same batching and device loops as <see cref="EmbedAsync(IReadOnlyList{SequenceRecord}, CancellationToken)"/>,
/// which gives the same vectors, bit for bit, for the same records.
/// </para>
/// </remarks>
public sealed class NucleotideTransformerEmbedder : IEmbeddingModel, IEmbeddingModel<SequenceRecord>
{
    private readonly BlockingCollection<DeviceBatch> _queue;
    private readonly IReadOnlyList<DeviceReplica> _replicas;
    private readonly NucleotideTransformerEmbedderOptions _options;
    private readonly ILogger _logger;
    private readonly int _maxTokens;
    private int _disposed;

    internal NucleotideTransformerEmbedder(
        ModelDescriptor descriptor,
        EsmConfig config,
        NucleotideTokenizer tokenizer,
        BlockingCollection<DeviceBatch> queue,
        IReadOnlyList<DeviceReplica> replicas,
        NucleotideTransformerEmbedderOptions options,
        ILogger logger,
        int cpuWorkers,
        int maxBatchTokens)
    {
        CpuWorkers = cpuWorkers;
        Descriptor = descriptor;
        Config = config;
        Tokenizer = tokenizer;
        _queue = queue;
        _replicas = replicas;
        _options = options;
        _logger = logger;
        _maxTokens = options.MaxTokens ?? config.MaxTokens;
        MaxBatchTokens = maxBatchTokens;
    }

    /// <inheritdoc />
    public string Name => Descriptor.Name;

    /// <inheritdoc />
    public int Dimension => Config.HiddenSize;

    /// <summary>Gets what the embedder is: its name, dimension, and a fingerprint (SHA-256, lower-case hex) of the
    /// model's configuration, vocabulary and weights as loaded and of the settings that change the vectors: pooling,
    /// normalisation, long-read policy, token limit, tokenizer case and alphabet handling, compute precision and
    /// attention implementation. Computed once, when the embedder is built; hashing runs at about 1.5 GB/s per core,
    /// so a 2.5B-parameter checkpoint (about 10 GB in float32) adds seconds to a build.</summary>
    /// <value>The properties are <c>model_type</c>, <c>version</c> (<c>nt-v1</c> or <c>nt-v2</c>), <c>pooling</c>,
    /// <c>normalize</c>, <c>long_reads</c>, <c>max_tokens</c>, <c>upper_case_first</c>, <c>strict_nucleotides</c>,
    /// <c>precision</c> and <c>attention</c>.</value>
    public ModelDescriptor Descriptor { get; }

    /// <summary>Gets the shape of the model.</summary>
    public EsmConfig Config { get; }

    /// <summary>Gets the tokenizer the embedder uses.</summary>
    public NucleotideTokenizer Tokenizer { get; }

    /// <summary>Gets the devices holding a replica of the model.</summary>
    public IReadOnlyList<ComputeDevice> Devices => _replicas.Where(r => r.OwnsModel).Select(r => r.ComputeDevice).ToArray();

    /// <summary>Gets how many batches a CPU device computes at once (see
    /// <see cref="NucleotideTransformerEmbedderOptions.CpuWorkers"/>); 0 when no replica is on the CPU.</summary>
    public int CpuWorkers { get; }

    /// <summary>Gets the most tokens per window (CLS included).</summary>
    public int MaxTokens => _maxTokens;

    /// <summary>Gets the token budget batches are planned with: <see cref="NucleotideTransformerEmbedderOptions.MaxBatchTokens"/>,
    /// lowered on CPU devices to respect <see cref="NucleotideTransformerEmbedderOptions.CpuMaxActivationBytes"/>.</summary>
    public int MaxBatchTokens { get; }

    /// <summary>Starts building an embedder.</summary>
    /// <returns>A new builder.</returns>
    public static NucleotideTransformerEmbedderBuilder CreateBuilder() => new();

    /// <summary>Embeds a batch of records.</summary>
    /// <param name="records">The records; any number, in any order of lengths.</param>
    /// <param name="cancellationToken">Cancels the work between device batches.</param>
    /// <returns>One embedding per record, in the order of <paramref name="records"/>.</returns>
    /// <exception cref="InvalidSequenceException">A record has a character refused under
    /// <see cref="NucleotideTokenizerOptions.StrictNucleotides"/>, or more tokens than the limit under
    /// <see cref="LongSequencePolicy.Reject"/>: the exception names the first such record in input order, however
    /// many records there are and however many threads tokenized them. Nothing is embedded.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public async Task<IReadOnlyList<SequenceEmbedding>> EmbedAsync(IReadOnlyList<SequenceRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return [];
        }

        var perRecord = Tokenize(records);
        var vectors = await EncodeWindowsAsync(perRecord, records.Count, cancellationToken).ConfigureAwait(false);
        var results = new SequenceEmbedding[records.Count];
        for (var r = 0; r < records.Count; r++)
        {
            var tokens = 0;
            foreach (var window in perRecord[r])
            {
                tokens += window.Length;
            }

            results[r] = new SequenceEmbedding(records[r], vectors[r], tokens, perRecord[r].Length);
        }

        return results;
    }

    /// <summary>Tokenizes one read under the embedder's options (case handling, strict alphabet, token limit and
    /// long-read policy).</summary>
    /// <param name="input">The read.</param>
    /// <returns>A usable input whose cost is the number of tokens the model will compute (one <c>&lt;cls&gt;</c> per
    /// window included, and counted as added units) and whose unknown units are the <c>&lt;unk&gt;</c> tokens among them; or an unusable input,
    /// saying why, for a read with nothing to embed (an empty sequence, or one of whitespace alone), a character
    /// refused under <see cref="NucleotideTokenizerOptions.StrictNucleotides"/>, or a read over the
    /// token limit under <see cref="LongSequencePolicy.Reject"/>.</returns>
    /// <remarks>Never throws for bad input; safe to call from many threads at once.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public PreparedInput Prepare(SequenceRecord input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (string.IsNullOrEmpty(input.Sequence))
        {
            return PreparedInput.Unusable($"Record '{input.Id}' has an empty sequence.");
        }

        var problem = Tokenizer.TryEncodeWindows(input.Sequence, _maxTokens, _options.LongSequences, input.Id, out var windows);
        if (problem is not null)
        {
            return PreparedInput.Unusable(problem.Message);
        }

        if (windows is [{ Length: 1 }])
        {
            return PreparedInput.Unusable($"Record '{input.Id}' has no tokens besides <cls> (its sequence is whitespace).");
        }

        var read = new TokenizedRead(Descriptor.Fingerprint, windows);
        return PreparedInput.Usable(read, read.TokenCount, read.Count(Tokenizer.Vocabulary.UnkTokenId), addedUnits: windows.Length);
    }

    /// <summary>Embeds reads made ready by <see cref="Prepare"/>, without tokenizing them again.</summary>
    /// <param name="inputs">Usable inputs from <see cref="Prepare"/> of this embedder (or of one with the same
    /// <see cref="ModelDescriptor.Fingerprint"/>).</param>
    /// <param name="cancellationToken">Cancels the work between device batches.</param>
    /// <returns>One vector of <see cref="Dimension"/> values per input, in input order: the vectors
    /// <see cref="EmbedAsync(IReadOnlyList{SequenceRecord}, CancellationToken)"/> gives for the same records, bit for
    /// bit.</returns>
    /// <exception cref="ArgumentException">An input is null, unusable, or was prepared by another model.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public async Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        var perRecord = new int[inputs.Count][][];
        for (var i = 0; i < inputs.Count; i++)
        {
            perRecord[i] = Unwrap(inputs[i], i).Windows;
        }

        if (perRecord.Length == 0)
        {
            return [];
        }

        var vectors = await EncodeWindowsAsync(perRecord, perRecord.Length, cancellationToken).ConfigureAwait(false);
        var results = new ReadOnlyMemory<float>[vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
        {
            results[i] = vectors[i];
        }

        return results;
    }

    /// <summary>Embeds a stream of records, gathering <see cref="NucleotideTransformerEmbedderOptions.StreamingGroupSize"/>
    /// at a time so that they can be batched by length; results come out in input order.</summary>
    /// <param name="records">The records.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The embeddings, in input order.</returns>
    /// <remarks>While one group is on the devices, the next is read and tokenized, and the results of the one before
    /// are handed to the caller: at most two groups are in memory at once.</remarks>
    public async IAsyncEnumerable<SequenceEmbedding> EmbedAsync(IAsyncEnumerable<SequenceRecord> records, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        Task<IReadOnlyList<SequenceEmbedding>>? inFlight = null;
        var group = new List<SequenceRecord>(_options.StreamingGroupSize);
        try
        {
            await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                group.Add(record);
                if (group.Count < _options.StreamingGroupSize)
                {
                    continue;
                }

                var previous = inFlight;
                inFlight = EmbedAsync(group, cancellationToken);
                group = new List<SequenceRecord>(_options.StreamingGroupSize);
                if (previous is not null)
                {
                    foreach (var embedding in await previous.ConfigureAwait(false))
                    {
                        yield return embedding;
                    }
                }
            }

            if (inFlight is not null)
            {
                var last = inFlight;
                inFlight = null;
                foreach (var embedding in await last.ConfigureAwait(false))
                {
                    yield return embedding;
                }
            }

            if (group.Count > 0)
            {
                foreach (var embedding in await EmbedAsync(group, cancellationToken).ConfigureAwait(false))
                {
                    yield return embedding;
                }
            }
        }
        finally
        {
            // Left early (the caller stopped, or an exception is on its way): the group still on the devices is
            // finished there and dropped; observe its outcome so that a failure is not reported as unobserved.
            _ = inFlight?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>Stops the device loops and releases the weights on every device.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.CompleteAdding();
        DeviceReplica.DisposeAll(_replicas);

        _queue.Dispose();
    }

    internal static int EffectiveBatchTokens(EsmConfig config, NucleotideTransformerEmbedderOptions options, bool cpuOnly)
    {
        if (!cpuOnly || options.CpuMaxActivationBytes is not long limit)
        {
            return options.MaxBatchTokens;
        }

        var fitting = Math.Max(1L, limit / (sizeof(float) * config.WidestActivationWidth));
        return (int)Math.Min(options.MaxBatchTokens, fitting);
    }

    /// <summary>Tokenizes records into windows, in parallel for large lists; a bad record is reported as the one
    /// <see cref="InvalidSequenceException"/> of the first bad record in input order, however many threads ran.</summary>
    private int[][][] Tokenize(IReadOnlyList<SequenceRecord> records)
    {
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i]?.Sequence is null)
            {
                throw new ArgumentException($"records[{i}] is null or has a null sequence.", nameof(records));
            }
        }

        var perRecord = new int[records.Count][][];
        if (records.Count >= 256)
        {
            var problems = new InvalidSequenceException?[records.Count];
            Parallel.For(0, records.Count, i =>
                problems[i] = Tokenizer.TryEncodeWindows(records[i].Sequence, _maxTokens, _options.LongSequences, records[i].Id, out perRecord[i]));
            if (Array.Find(problems, p => p is not null) is { } first)
            {
                throw first;
            }
        }
        else
        {
            for (var i = 0; i < records.Count; i++)
            {
                var problem = Tokenizer.TryEncodeWindows(records[i].Sequence, _maxTokens, _options.LongSequences, records[i].Id, out perRecord[i]);
                if (problem is not null)
                {
                    throw problem;
                }
            }
        }

        return perRecord;
    }

    private TokenizedRead Unwrap(PreparedInput? input, int index)
    {
        if (input is null)
        {
            throw new ArgumentException($"inputs[{index}] is null.", "inputs");
        }

        if (!input.IsUsable)
        {
            throw new ArgumentException($"inputs[{index}] is unusable ({input.Problem}); pass only usable inputs.", "inputs");
        }

        if (input.Payload is not TokenizedRead read)
        {
            throw new ArgumentException($"inputs[{index}] was not prepared by a {nameof(NucleotideTransformerEmbedder)}.", "inputs");
        }

        if (!ReferenceEquals(read.Fingerprint, Descriptor.Fingerprint) && !string.Equals(read.Fingerprint, Descriptor.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"inputs[{index}] was prepared by a model with fingerprint {read.Fingerprint}, not this one's ({Descriptor.Fingerprint}).", "inputs");
        }

        return read;
    }

    /// <summary>Plans the windows of every record into device batches, runs them, and combines each record's window
    /// vectors into one (token-weighted, then normalised when asked).</summary>
    private async Task<float[][]> EncodeWindowsAsync(IReadOnlyList<int[][]> perRecord, int recordCount, CancellationToken cancellationToken)
    {
        var windows = new List<int[]>();
        foreach (var record in perRecord)
        {
            windows.AddRange(record);
        }

        var lengths = windows.Select(w => w.Length).ToArray();
        var plan = TokenBudgetBatcher.Plan(lengths, MaxBatchTokens, _options.MaxBatchSize);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.BatchesPlanned(_logger, recordCount, windows.Count, plan.Count, TokenBudgetBatcher.PaddingRatio(lengths, plan));
        }

        var pending = new List<(int[] Indices, DeviceBatch Batch)>(plan.Count);
        try
        {
            foreach (var indices in plan)
            {
                var batch = new DeviceBatch(indices.Select(i => windows[i]).ToArray(), cancellationToken);
                pending.Add((indices, batch));
                _queue.Add(batch, cancellationToken);
            }
        }
        catch (InvalidOperationException) when (_queue.IsAddingCompleted)
        {
            throw new ObjectDisposedException(nameof(NucleotideTransformerEmbedder));
        }

        var pooled = new float[windows.Count][];
        foreach (var (indices, batch) in pending)
        {
            var vectors = await batch.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < indices.Length; i++)
            {
                pooled[indices[i]] = vectors[i];
            }
        }

        var results = new float[perRecord.Count][];
        var start = 0;
        for (var r = 0; r < perRecord.Count; r++)
        {
            var count = perRecord[r].Length;
            results[r] = Combine(pooled.AsSpan(start, count), lengths.AsSpan(start, count));
            start += count;
        }

        return results;
    }

    private float[] Combine(ReadOnlySpan<float[]> windows, ReadOnlySpan<int> lengths)
    {
        float[] vector;
        var tokens = 0;
        foreach (var length in lengths)
        {
            tokens += length;
        }

        if (windows.Length == 1)
        {
            vector = windows[0];
        }
        else
        {
            vector = new float[Dimension];
            if (_options.Pooling == EmbeddingPooling.Max)
            {
                windows[0].CopyTo(vector, 0);
                for (var w = 1; w < windows.Length; w++)
                {
                    TensorPrimitives.Max(vector, windows[w], vector);
                }
            }
            else
            {
                // Token-weighted average of the window vectors: for mean pooling this is the mean over all tokens.
                for (var w = 0; w < windows.Length; w++)
                {
                    TensorPrimitives.MultiplyAdd(windows[w], (float)lengths[w] / tokens, vector, vector);
                }
            }
        }

        if (_options.Normalize)
        {
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }
        }

        return vector;
    }
}
