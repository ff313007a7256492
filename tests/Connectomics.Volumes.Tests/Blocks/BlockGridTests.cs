using System.ComponentModel.DataAnnotations;
using Connectomics.Chunks;
using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Tests.Reading;

namespace Connectomics.Volumes.Tests.Blocks;

public sealed class BlockGridTests
{
    [Fact]
    public void Defaults_are_512_cubed_blocks_with_a_64_voxel_halo()
    {
        var options = new BlockGridOptions();

        Assert.Equal(Index3.All(512), options.BlockSize);
        Assert.Equal(Index3.All(64), options.Halo);
        Assert.Equal(Boundary.Fill, options.Boundary);
        Assert.False(options.SkipEmpty);
    }

    [Fact]
    public void Invalid_options_are_refused_all_at_once()
    {
        var options = new BlockGridOptions { BlockSize = (0, 8, 8), Halo = (1, -1, 0), Boundary = (Boundary)9 };

        var error = Assert.Throws<ValidationException>(() => new BlockGrid((10, 10, 10), options));

        Assert.Contains(nameof(BlockGridOptions.BlockSize), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BlockGridOptions.Halo), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BlockGridOptions.Boundary), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edge_blocks_shrink_their_write_box_and_read_boxes_reach_outside()
    {
        var grid = new BlockGrid((1000, 700, 1030), new BlockGridOptions());

        Assert.Equal(new Index3(2, 2, 3), grid.Shape);
        Assert.Equal(12, grid.Count);
        var first = grid.GetBlock(0);
        Assert.Equal(new Box3((0, 0, 0), (512, 512, 512)), first.WriteBox);
        Assert.Equal(new Box3((-64, -64, -64), (576, 576, 576)), first.ReadBox);
        var last = grid.GetBlock(11);
        Assert.Equal(new Index3(1, 1, 2), last.GridIndex);
        Assert.Equal(new Box3((512, 512, 1024), (1000, 700, 1030)), last.WriteBox);
        Assert.Equal(new Box3((448, 448, 960), (1064, 764, 1094)), last.ReadBox);
        Assert.Equal(5, grid.GetBlock((0, 1, 2)).Id);
    }

    [Fact]
    public void Write_boxes_tile_a_box_of_the_volume_exactly()
    {
        var volume = new Box3((3, -5, 10), (40, 21, 33));
        var grid = new BlockGrid(volume, new BlockGridOptions { BlockSize = (8, 7, 6), Halo = (2, 0, 3) });
        var covered = new int[volume.Size.Z, volume.Size.Y, volume.Size.X];

        for (var id = 0L; id < grid.Count; id++)
        {
            var block = grid.GetBlock(id);
            Assert.Equal(id, block.Id);
            Assert.Equal(block, grid.GetBlock(block.GridIndex));
            Assert.Equal(block.WriteBox.Grow((2, 0, 3)), block.ReadBox);
            Assert.True(volume.Contains(block.WriteBox));
            for (var z = block.WriteBox.Start.Z; z < block.WriteBox.Stop.Z; z++)
            {
                for (var y = block.WriteBox.Start.Y; y < block.WriteBox.Stop.Y; y++)
                {
                    for (var x = block.WriteBox.Start.X; x < block.WriteBox.Stop.X; x++)
                    {
                        covered[z - volume.Start.Z, y - volume.Start.Y, x - volume.Start.X]++;
                    }
                }
            }
        }

        Assert.All(covered.Cast<int>(), n => Assert.Equal(1, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.GetBlock(grid.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.GetBlock((0, 0, grid.Shape.X)));
    }

    [Theory]
    [InlineData(100, 100, 100, 16)]
    [InlineData(33, 190, 7, 8)]
    [InlineData(512, 64, 64, 64)]
    public void Execution_order_visits_every_block_once_in_morton_order(long z, long y, long x, long size)
    {
        var grid = new BlockGrid((z, y, x), new BlockGridOptions { BlockSize = Index3.All(size), Halo = Index3.Zero });

        var blocks = grid.InExecutionOrder().ToList();

        Assert.Equal(grid.Count, blocks.Count);
        Assert.Equal(Enumerable.Range(0, (int)grid.Count).Select(i => (long)i), blocks.Select(b => b.Id).Order());
        Assert.Equal(blocks.Select(grid.MortonCode).Order(), blocks.Select(grid.MortonCode));
    }

    public static TheoryData<long, long, long, int> ShardCases => new()
    {
        { 100, 100, 100, 3 },
        { 100, 100, 100, 7 },
        { 33, 190, 70, 5 },
        { 16, 16, 16, 1 },
        { 20, 20, 20, 30 },
    };

    [Theory]
    [MemberData(nameof(ShardCases))]
    public void Shard_ranges_are_contiguous_cover_every_block_once_and_balance_the_cost(long z, long y, long x, int shards)
    {
        var grid = new BlockGrid((z, y, x), new BlockGridOptions { BlockSize = Index3.All(16), Halo = Index3.All(4) });
        var order = grid.InExecutionOrder().ToList();
        var total = order.Sum(b => b.WriteBox.VoxelCount);
        var largest = order.Max(b => b.WriteBox.VoxelCount);

        var next = 0L;
        for (var i = 0; i < shards; i++)
        {
            var range = grid.ShardRange(new ShardAssignment(i, shards));
            Assert.Equal(next, range.Start);
            next = range.Stop;
            var cost = order.Skip((int)range.Start).Take((int)range.Count).Sum(b => b.WriteBox.VoxelCount);
            Assert.True(Math.Abs(cost - ((double)total / shards)) <= largest, $"shard {i}/{shards} carries {cost} of {total}");
            Assert.Equal(order.Skip((int)range.Start).Take((int)range.Count), grid.InExecutionOrder(range));
        }

        Assert.Equal(grid.Count, next);
    }

    [Fact]
    public void A_callers_cost_moves_the_shard_boundaries()
    {
        var grid = new BlockGrid((64, 64, 64), new BlockGridOptions { BlockSize = Index3.All(16), Halo = Index3.Zero });
        var order = grid.InExecutionOrder().ToList();

        // The first eight blocks in execution order cost as much as the other 56 together.
        var expensive = order.Take(8).Select(b => b.Id).ToHashSet();
        long Cost(Block b) => expensive.Contains(b.Id) ? 7 : 1;

        Assert.Equal(new BlockRange(0, 8), grid.ShardRange(new ShardAssignment(0, 2), Cost));
        Assert.Equal(new BlockRange(8, 64), grid.ShardRange(new ShardAssignment(1, 2), Cost));
        Assert.Equal(new BlockRange(0, 32), grid.ShardRange(new ShardAssignment(0, 2)));
    }

    [Fact]
    public async Task Blocks_are_skipped_by_the_callers_predicate_then_when_empty()
    {
        var values = new byte[32 * 32 * 32];
        values[(28 * 32 * 32) + (28 * 32) + 28] = 200; // one voxel in chunk (3, 3, 3), read by block (1, 1, 1) alone
        var array = VolumeTestData.Array(values, [32, 32, 32], [8, 8, 8], VoxelType.UInt8);
        array.DropFillChunks();
        var volume = new VolumeArray(array, new ChunkCache(1 << 20));
        var grid = new BlockGrid((32, 32, 32), new BlockGridOptions
        {
            BlockSize = Index3.All(16),
            Halo = Index3.All(2),
            SkipEmpty = true,
            SkipWhen = (block, _) => ValueTask.FromResult(block.Id == 0),
        });

        var reasons = new Dictionary<long, BlockSkipReason>();
        foreach (var block in grid.InExecutionOrder())
        {
            reasons[block.Id] = await grid.CheckSkipAsync(block, volume);
        }

        Assert.Equal(BlockSkipReason.Predicate, reasons[0]);
        Assert.Equal(BlockSkipReason.None, reasons[7]);
        Assert.All(Enumerable.Range(1, 6), id => Assert.Equal(BlockSkipReason.Empty, reasons[id]));
        Assert.Equal(1, array.Decodes); // only the one stored chunk was decoded
        var noSkipping = new BlockGrid((32, 32, 32), new BlockGridOptions { BlockSize = Index3.All(16), Halo = Index3.All(2) });
        Assert.Equal(BlockSkipReason.None, await noSkipping.CheckSkipAsync(grid.GetBlock(1), volume));
    }

    [Fact]
    public async Task Morton_order_decodes_each_chunk_once_with_a_cache_of_its_reuse_distance_and_fewer_than_C_order_with_less()
    {
        // 4³ blocks of 16³ voxels over 8³ chunks, a halo of one chunk: each inner block reads 4³ chunks.
        const int extent = 64;
        long[] shape = [extent, extent, extent];
        var values = new byte[extent * extent * extent];
        new Random(3).NextBytes(values);
        var options = new BlockGridOptions { BlockSize = Index3.All(16), Halo = Index3.All(8), Boundary = Boundary.Reflect };
        var grid = new BlockGrid((extent, extent, extent), options);
        var morton = grid.InExecutionOrder().ToList();
        var cOrder = Enumerable.Range(0, (int)grid.Count).Select(id => grid.GetBlock(id)).ToList();

        async Task<InMemoryChunkedArray> ReadAllAsync(IEnumerable<Block> order, int cachedChunks)
        {
            var array = VolumeTestData.Array(values, shape, [8, 8, 8], VoxelType.UInt8);
            var cache = new ChunkCache(cachedChunks * (512L + ChunkCache.EntryOverheadBytes));
            var volume = new VolumeArray(array, cache, new VolumeReadOptions { ReadConcurrency = 1 });
            foreach (var block in order)
            {
                var region = await volume.ReadAsync<byte>(block.ReadBox, options.Boundary);
                var s = block.WriteBox.Start;
                Assert.Equal(values[(((s.Z * extent) + s.Y) * extent) + s.X], region[0, s]);
            }

            Assert.True(cache.PeakSizeBytes <= cache.MaxBytes);
            return array;
        }

        // The most distinct chunks used between two uses of one chunk, plus one: an LRU cache of that many chunks
        // never evicts a chunk that is used again.
        var reuse = ReuseDistance(morton, extent);
        var once = await ReadAllAsync(morton, reuse);
        Assert.Equal(8 * 8 * 8, once.Decodes);
        Assert.All(once.ReadsByKey.Values, n => Assert.Equal(1, n));
        Assert.True((await ReadAllAsync(morton, reuse - 1)).Decodes > 8 * 8 * 8);

        // With a cache of a 6³-chunk neighbourhood (a block's read box and one more layer), Morton order decodes less.
        var mortonDecodes = (await ReadAllAsync(morton, 216)).Decodes;
        var cOrderDecodes = (await ReadAllAsync(cOrder, 216)).Decodes;
        Assert.True(mortonDecodes < cOrderDecodes, $"Morton order decoded {mortonDecodes} chunks, C order {cOrderDecodes}");
    }

    private static int ReuseDistance(IEnumerable<Block> order, long extent)
    {
        var uses = new List<(long, long, long)>();
        foreach (var block in order)
        {
            var inside = block.ReadBox.Intersect(Box3.FromShape(Index3.All(extent)));
            for (var z = inside.Start.Z / 8; z <= (inside.Stop.Z - 1) / 8; z++)
            {
                for (var y = inside.Start.Y / 8; y <= (inside.Stop.Y - 1) / 8; y++)
                {
                    for (var x = inside.Start.X / 8; x <= (inside.Stop.X - 1) / 8; x++)
                    {
                        uses.Add((z, y, x));
                    }
                }
            }
        }

        var last = new Dictionary<(long, long, long), int>();
        var most = 1;
        for (var i = 0; i < uses.Count; i++)
        {
            if (last.TryGetValue(uses[i], out var previous))
            {
                most = Math.Max(most, uses.Skip(previous + 1).Take(i - previous - 1).Distinct().Count() + 1);
            }

            last[uses[i]] = i;
        }

        return most;
    }
}
