using Connectomics.Pipelines;
using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Tests.Reading;

namespace Connectomics.Volumes.Tests.Pipelines;

/// <summary>
/// The memory claims of a volume run: with a cache that holds the halo neighbourhood Morton order revisits, every chunk
/// is decoded exactly once; without a cache, as often as read boxes cover it; and the cache never holds more than its
/// limit.
/// </summary>
/// <remarks>
/// The volume is 64³ uint8 in 8³ chunks (8 × 8 × 8 chunks), blocks of 16³ (2 × 2 × 2 chunks) with a halo of 8 (one
/// chunk), so a block's read box spans up to 4 × 4 × 4 chunks and the 4 × 4 × 4 blocks overlap their neighbours by two
/// chunk layers.
/// </remarks>
public sealed class VolumePipelineMemoryTests : IDisposable
{
    private const int ChunkEdge = 8;
    private const int ChunkBytes = ChunkEdge * ChunkEdge * ChunkEdge;
    private static readonly Index3 Shape = Index3.All(64);
    private static readonly Index3 BlockSize = Index3.All(16);
    private static readonly Index3 Halo = Index3.All(8);
    private readonly TempDirectory _db = new("volume-pipeline-memory");
    private readonly ReferenceVolume _volume = ReferenceVolume.UInt8(Shape, Index3.All(ChunkEdge));

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task A_cache_holding_the_morton_neighbourhood_decodes_every_chunk_exactly_once()
    {
        // The analysis, from the grid alone. Take any chunk k read by block i and next by block j (i < j in Morton
        // order, no block between them reading k). An LRU cache keeps k from i to j unless C other distinct chunks are
        // touched in between. Those are at least the chunks of blocks i+1 … j−1 ("inner") and at most the chunks of
        // blocks i … j ("window"). So a cache of max(window) chunks decodes each chunk exactly once, and a cache of
        // max(inner) chunks cannot: the smallest exactly-once cache lies in (max(inner), max(window)].
        var (inner, window) = MortonNeighbourhood();

        // For this grid the widest revisit is across Morton order's first split: chunks on the z mid-plane are read by
        // the last blocks of the lower half and again by the first blocks of the upper half, and everything the lower
        // half's later octants read lies in between. The neighbourhood exactly-once needs is therefore most of the
        // volume here (and, in general, the chunks of a whole mid-plane slab plus the blocks around it), far more than
        // one block's 4³ chunks. The values are asserted so that a change of the grid or the order shows here.
        Assert.Equal(ExpectedInnerChunks, inner);
        Assert.Equal(ExpectedWindowChunks, window);

        var array = _volume.Array();
        var pipeline = await Build(array, Bytes(window), "exactly_once").BuildAsync();
        var result = await pipeline.RunAsync();

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        Assert.Equal(64, result.BlocksCompleted);
        Assert.Equal(512, array.ReadsByKey.Count);
        Assert.All(array.ReadsByKey, pair => Assert.True(pair.Value == 1, $"Chunk {pair.Key} was read {pair.Value} times."));
        Assert.Equal(512, array.Decodes);
        Assert.Equal(512, pipeline.Source.Array.Cache.Misses);

        // At the analysis' lower bound, some chunk is read again: the bound is not slack.
        var tight = _volume.Array();
        await Build(tight, Bytes(inner), "below_bound").RunAsync();
        Assert.Contains(tight.ReadsByKey, pair => pair.Value > 1);

        // And one block's read box (4³ chunks) is far too small for Morton order's revisits.
        var small = _volume.Array();
        await Build(small, Bytes(64), "one_block").RunAsync();
        Assert.True(small.Decodes > 1000, $"{small.Decodes} decodes with a cache of one block's chunks.");
    }

    [Fact]
    public async Task Without_a_cache_each_chunk_is_decoded_once_per_read_box_that_covers_it()
    {
        var array = _volume.Array();
        var result = await Build(array, cacheBytes: 0, "no_cache").RunAsync();
        Assert.Equal(PipelineOutcome.Completed, result.Outcome);

        // Along one axis block b reads chunks [2b − 1, 2b + 3) within [0, 8): chunks 0 and 7 lie in one read box
        // (blocks 0 and 3), chunks 1 to 6 in two. A chunk's count is the product over its three axes.
        int[] perAxis = [1, 2, 2, 2, 2, 2, 2, 1];
        for (var z = 0; z < 8; z++)
        {
            for (var y = 0; y < 8; y++)
            {
                for (var x = 0; x < 8; x++)
                {
                    var key = $"c/{z}/{y}/{x}";
                    Assert.True(array.ReadsByKey.TryGetValue(key, out var reads), $"Chunk {key} was never read.");
                    Assert.True(perAxis[z] * perAxis[y] * perAxis[x] == reads, $"Chunk {key}: {reads} reads, expected {perAxis[z] * perAxis[y] * perAxis[x]}.");
                }
            }
        }

        Assert.Equal(14 * 14 * 14, array.Decodes);
    }

    [Fact]
    public async Task The_cache_never_holds_more_than_its_limit()
    {
        // Room for 20 chunks, a third of one block's read box: the run must evict all the time.
        const long Limit = 20L * (ChunkBytes + ChunkCache.EntryOverheadBytes);
        using var metrics = new MetricRecorder();
        var array = _volume.Array();
        var pipeline = await Build(array, Limit, "bounded").UseMeterFactory(metrics).BuildAsync();
        var result = await pipeline.RunAsync();
        Assert.Equal(PipelineOutcome.Completed, result.Outcome);

        // connectomics.volume.cache.size is an up-down counter of deltas; their running sum is the size at every change.
        long size = 0, peak = 0;
        var changes = 0;
        foreach (var measurement in metrics.Measurements.Where(m => m.Instrument == "connectomics.volume.cache.size"))
        {
            size += (long)measurement.Value;
            peak = Math.Max(peak, size);
            changes++;
        }

        var cache = pipeline.Source.Array.Cache;
        Assert.True(changes > 100, $"Only {changes} cache size changes were recorded.");
        Assert.True(peak <= Limit, $"The cache held {peak} bytes; its limit is {Limit}.");
        Assert.True(cache.PeakSizeBytes <= Limit, $"The cache's own peak {cache.PeakSizeBytes} is above {Limit}.");
        Assert.Equal(cache.SizeBytes, size);
        Assert.True(cache.Evictions > 0, "Nothing was evicted.");
        Assert.Equal(cache.Evictions, (long)metrics.Sum("connectomics.volume.cache.evictions"));
        Assert.True(array.Decodes > 512, $"{array.Decodes} decodes: a cache this small cannot keep every chunk.");
    }

    // The analysis' bounds for this grid (see the first test), as MortonNeighbourhood computes them.
    private const int ExpectedInnerChunks = 353;
    private const int ExpectedWindowChunks = 367;

    private static long Bytes(int chunks) => (long)chunks * (ChunkBytes + ChunkCache.EntryOverheadBytes);

    private VolumePipelineBuilder Build(InMemoryChunkedArray array, long cacheBytes, string table) =>
        EmbeddingPipeline.FromArray(array, "em")
            .Blocks(b => b.Size(BlockSize).Halo(Halo))
            .Read(r => r.CacheBytes(cacheBytes))
            .Embed(new MeanMaxModel(), e => e.PerCell(8))
            .ToLance(_db.Path, table);

    /// <summary>
    /// Over every pair of blocks <c>i &lt; j</c> of the Morton order whose read boxes share a chunk that no block between
    /// them reads: the most distinct chunks read by blocks <c>i+1 … j−1</c> (inner) and by blocks <c>i … j</c> (window).
    /// </summary>
    private static (int Inner, int Window) MortonNeighbourhood()
    {
        var grid = new BlockGrid(Shape, new BlockGridOptions { BlockSize = BlockSize, Halo = Halo });
        var chunkSets = grid.InExecutionOrder().Select(block => ChunksOf(block.ReadBox)).ToList();
        var lastUse = new Dictionary<(long, long, long), int>();
        int inner = 0, window = 0;
        for (var j = 0; j < chunkSets.Count; j++)
        {
            foreach (var chunk in chunkSets[j])
            {
                if (lastUse.TryGetValue(chunk, out var i))
                {
                    var between = new HashSet<(long, long, long)>();
                    for (var k = i + 1; k < j; k++)
                    {
                        between.UnionWith(chunkSets[k]);
                    }

                    inner = Math.Max(inner, between.Count);
                    between.UnionWith(chunkSets[i]);
                    between.UnionWith(chunkSets[j]);
                    window = Math.Max(window, between.Count);
                }

                lastUse[chunk] = j;
            }
        }

        return (inner, window);
    }

    private static HashSet<(long, long, long)> ChunksOf(Box3 readBox)
    {
        var inside = new Box3(Index3.Max(readBox.Start, Index3.Zero), Index3.Min(readBox.Stop, Shape));
        var chunks = new HashSet<(long, long, long)>();
        for (var z = inside.Start.Z / ChunkEdge; z < (inside.Stop.Z + ChunkEdge - 1) / ChunkEdge; z++)
        {
            for (var y = inside.Start.Y / ChunkEdge; y < (inside.Stop.Y + ChunkEdge - 1) / ChunkEdge; y++)
            {
                for (var x = inside.Start.X / ChunkEdge; x < (inside.Stop.X + ChunkEdge - 1) / ChunkEdge; x++)
                {
                    chunks.Add((z, y, x));
                }
            }
        }

        return chunks;
    }
}
