using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Connectomics.Volumes.Telemetry;

/// <summary>
/// The instruments of this package on the <c>Connectomics</c> meter: chunk reads, bytes, the chunk cache, retried
/// I/O and blocks. Made once per meter (the process-wide one, or one from an <see cref="IMeterFactory"/>) and shared
/// by every reader, cache and run that uses it.
/// </summary>
internal sealed class VolumeMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Connectomics";

    private static readonly Meter SharedMeter = new(MeterName, typeof(VolumeMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
    private static readonly ConditionalWeakTable<Meter, VolumeMetrics> ByMeter = [];

    private readonly Counter<long> _chunksRead;
    private readonly Histogram<double> _chunkReadDuration;
    private readonly Counter<long> _bytesRead;
    private readonly Counter<long> _bytesDecoded;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _cacheEvictions;
    private readonly UpDownCounter<long> _cacheSize;
    private readonly Counter<long> _ioRetries;
    private readonly Counter<long> _blocksCompleted;
    private readonly Counter<long> _blocksSkipped;
    private readonly Counter<long> _blocksFailed;
    private readonly Histogram<double> _blockDuration;

    private VolumeMetrics(Meter meter)
    {
        _chunksRead = meter.CreateCounter<long>("connectomics.volume.chunks.read", "{chunk}", "Chunks read from arrays, stored and not stored (fill value).");
        _chunkReadDuration = meter.CreateHistogram<double>("connectomics.volume.chunk.read.duration", "s", "Time to fetch and decode one chunk, retries excluded.");
        _bytesRead = meter.CreateCounter<long>("connectomics.volume.bytes.read", "By", "Encoded bytes fetched from stores.");
        _bytesDecoded = meter.CreateCounter<long>("connectomics.volume.bytes.decoded", "By", "Bytes of decoded chunks.");
        _cacheHits = meter.CreateCounter<long>("connectomics.volume.cache.hits", "{request}", "Chunk requests served by the chunk cache or by a read already under way.");
        _cacheMisses = meter.CreateCounter<long>("connectomics.volume.cache.misses", "{request}", "Chunk requests that read and decoded the chunk.");
        _cacheEvictions = meter.CreateCounter<long>("connectomics.volume.cache.evictions", "{chunk}", "Chunks evicted from the chunk cache to stay within its limit.");
        _cacheSize = meter.CreateUpDownCounter<long>("connectomics.volume.cache.size", "By", "Bytes held by chunk caches.");
        _ioRetries = meter.CreateCounter<long>("connectomics.volume.io.retries", "{retry}", "Chunk reads retried after a transient failure.");
        _blocksCompleted = meter.CreateCounter<long>("connectomics.volume.blocks.completed", "{block}", "Blocks processed.");
        _blocksSkipped = meter.CreateCounter<long>("connectomics.volume.blocks.skipped", "{block}", "Blocks skipped (empty, or by the caller's predicate) and marked done.");
        _blocksFailed = meter.CreateCounter<long>("connectomics.volume.blocks.failed", "{block}", "Blocks that failed.");
        _blockDuration = meter.CreateHistogram<double>("connectomics.volume.block.duration", "s", "Time to process one block, from its first read to its output.");
    }

    /// <summary>Gets the instruments of the process-wide meter.</summary>
    public static VolumeMetrics Shared => For(null);

    /// <summary>Gets the instruments of the meter from <paramref name="meterFactory"/>, or of the process-wide meter.</summary>
    /// <param name="meterFactory">The factory; <see langword="null"/> for the process-wide meter.</param>
    /// <returns>The instruments.</returns>
    public static VolumeMetrics For(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions(MeterName) { Version = SharedMeter.Version }) ?? SharedMeter;
        return ByMeter.GetValue(meter, m => new VolumeMetrics(m));
    }

    /// <summary>Records one chunk read (after any retries).</summary>
    /// <param name="stored">Whether the chunk was stored (else it is all fill value).</param>
    /// <param name="decodedBytes">The decoded bytes (0 when not stored).</param>
    /// <param name="elapsed">The time of the successful attempt.</param>
    public void ChunkRead(bool stored, long decodedBytes, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("stored", stored);
        _chunksRead.Add(1, tag);
        _chunkReadDuration.Record(elapsed.TotalSeconds, tag);
        if (decodedBytes > 0)
        {
            _bytesDecoded.Add(decodedBytes);
        }
    }

    /// <summary>Records encoded bytes fetched from a store (called by the formats, which see them).</summary>
    /// <param name="bytes">The bytes fetched.</param>
    public void BytesRead(long bytes) => _bytesRead.Add(bytes);

    /// <summary>Records a chunk request served without a read.</summary>
    public void CacheHit() => _cacheHits.Add(1);

    /// <summary>Records a chunk request that reads the chunk.</summary>
    public void CacheMiss() => _cacheMisses.Add(1);

    /// <summary>Records chunks evicted from a cache.</summary>
    /// <param name="count">The number of chunks.</param>
    public void CacheEvicted(long count) => _cacheEvictions.Add(count);

    /// <summary>Records a change of a cache's size.</summary>
    /// <param name="deltaBytes">The bytes added (positive) or released (negative).</param>
    public void CacheSizeChanged(long deltaBytes) => _cacheSize.Add(deltaBytes);

    /// <summary>Records a retried chunk read.</summary>
    /// <param name="reason">The kind of failure retried (the exception's type name).</param>
    public void Retried(string reason) => _ioRetries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Records a processed block.</summary>
    /// <param name="elapsed">The time it took.</param>
    public void BlockCompleted(TimeSpan elapsed)
    {
        _blocksCompleted.Add(1);
        _blockDuration.Record(elapsed.TotalSeconds);
    }

    /// <summary>Records a skipped block.</summary>
    /// <param name="reason"><c>empty</c> or <c>predicate</c>.</param>
    public void BlockSkipped(string reason) => _blocksSkipped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Records a failed block.</summary>
    /// <param name="outcome"><c>fail</c> or <c>quarantine</c>.</param>
    public void BlockFailed(string outcome) => _blocksFailed.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
