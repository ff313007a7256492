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
/// Thread-safe: concurrent calls share the device queues. Results do not depend on how reads were batched
/// (within float rounding). Dispose it to release the weights on every device.
/// </remarks>
public sealed class NucleotideTransformerEmbedder : IEmbeddingModel
{
    private readonly BlockingCollection<DeviceBatch> _queue;
    private readonly IReadOnlyList<DeviceReplica> _replicas;
    private readonly NucleotideTransformerEmbedderOptions _options;
    private readonly ILogger _logger;
    private readonly int _maxTokens;
    private int _disposed;

    internal NucleotideTransformerEmbedder(
        string name,
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
        Name = name;
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
    public string Name { get; }

    /// <inheritdoc />
    public int Dimension => Config.HiddenSize;

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

    /// <inheritdoc />
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
        var windows = new List<int[]>();
        var owners = new List<int>();
        for (var r = 0; r < perRecord.Length; r++)
        {
            foreach (var window in perRecord[r])
            {
                windows.Add(window);
                owners.Add(r);
            }
        }

        var lengths = windows.Select(w => w.Length).ToArray();
        var plan = TokenBudgetBatcher.Plan(lengths, MaxBatchTokens, _options.MaxBatchSize);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.BatchesPlanned(_logger, records.Count, windows.Count, plan.Count, TokenBudgetBatcher.PaddingRatio(lengths, plan));
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

        var results = new SequenceEmbedding[records.Count];
        var start = 0;
        for (var r = 0; r < records.Count; r++)
        {
            var count = perRecord[r].Count;
            results[r] = Combine(records[r], pooled.AsSpan(start, count), lengths.AsSpan(start, count));
            start += count;
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

    private IReadOnlyList<int[]>[] Tokenize(IReadOnlyList<SequenceRecord> records)
    {
        var perRecord = new IReadOnlyList<int[]>[records.Count];
        void One(int i)
        {
            var record = records[i];
            perRecord[i] = Tokenizer.EncodeWindows(record.Sequence, _maxTokens, _options.LongSequences, record.Id)
                .Select(w => w as int[] ?? [.. w])
                .ToArray();
        }

        if (records.Count >= 256)
        {
            Parallel.For(0, records.Count, One);
        }
        else
        {
            for (var i = 0; i < records.Count; i++)
            {
                One(i);
            }
        }

        return perRecord;
    }

    private SequenceEmbedding Combine(SequenceRecord record, ReadOnlySpan<float[]> windows, ReadOnlySpan<int> lengths)
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

        return new SequenceEmbedding(record, vector, tokens, windows.Length);
    }
}
