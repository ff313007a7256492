using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Tests.Reading;

public sealed class VolumeArrayTests
{
    private static readonly long[] Shape3 = [13, 11, 17];

    [Theory]
    [InlineData(Boundary.Fill, new ushort[] { 7, 7, 7, 10, 20, 30, 40, 7, 7, 7 })]
    [InlineData(Boundary.Reflect, new ushort[] { 40, 30, 20, 10, 20, 30, 40, 30, 20, 10 })]
    [InlineData(Boundary.Replicate, new ushort[] { 10, 10, 10, 10, 20, 30, 40, 40, 40, 40 })]
    public async Task A_row_read_past_both_ends_is_padded_by_hand(Boundary boundary, ushort[] expected)
    {
        var array = VolumeTestData.Array(new ushort[] { 10, 20, 30, 40 }, [1, 1, 4], [1, 1, 3], VoxelType.UInt16, fill: (ushort)7);
        var volume = new VolumeArray(array, new ChunkCache(0));

        var region = await volume.ReadAsync<ushort>(new Box3((0, 0, -3), (1, 1, 7)), boundary);

        Assert.Equal(expected, region.Data.ToArray());
        Assert.Equal(new long[] { 1, 1, 10 }, region.Shape);
    }

    public static TheoryData<int[], long, int> Configurations => new()
    {
        { new[] { 4, 5, 3 }, 0, 1 },
        { new[] { 4, 5, 3 }, 1L << 20, 8 },
        { new[] { 1, 7, 16 }, 3 * (2 * 7 * 16 + ChunkCache.EntryOverheadBytes), 8 },
        { new[] { 13, 11, 17 }, 0, 8 },
        { new[] { 6, 1, 5 }, 1L << 20, 1 },
        { new[] { 2, 3, 2 }, 20 * (2 * 12 + ChunkCache.EntryOverheadBytes), 3 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Random_boxes_read_as_the_per_voxel_reference_in_every_boundary_mode(int[] chunks, long cacheBytes, int concurrency)
    {
        var values = VolumeTestData.UInt16(Shape3, seed: chunks.Sum());
        var array = VolumeTestData.Array(values, Shape3, chunks, VoxelType.UInt16, fill: (ushort)9);
        array.Missing.Add(array.ChunkKey([0, 0, 0]));
        var dense = (ushort[])values.Clone();
        ApplyMissing(dense, chunks, [0, 0, 0], 9);
        var cache = new ChunkCache(cacheBytes);
        var volume = new VolumeArray(array, cache, new VolumeReadOptions { ReadConcurrency = concurrency });
        var random = new Random(42);

        foreach (var boundary in Enum.GetValues<Boundary>())
        {
            for (var trial = 0; trial < 40; trial++)
            {
                var box = RandomBox(random, trial);
                var region = await volume.ReadAsync<ushort>(box, boundary);
                var expected = ReferenceReader.Read(dense, Shape3, box.Start.ToArray(), box.Stop.ToArray(), boundary, (ushort)9);
                Assert.True(expected.AsSpan().SequenceEqual(region.Data.Span), $"{boundary} read of {box} differs from the reference (chunks {string.Join('x', chunks)}).");
            }
        }

        Assert.True(cache.PeakSizeBytes <= cache.MaxBytes);
        Assert.True(array.MaxInFlight <= concurrency);
    }

    [Theory]
    [InlineData(Boundary.Fill)]
    [InlineData(Boundary.Reflect)]
    [InlineData(Boundary.Replicate)]
    public async Task Channel_arrays_read_every_channel_in_a_leading_axis(Boundary boundary)
    {
        long[] shape = [3, 5, 6, 7];
        var random = new Random(5);
        var values = new byte[3 * 5 * 6 * 7];
        random.NextBytes(values);
        var array = VolumeTestData.Array(values, shape, [2, 2, 4, 3], VoxelType.UInt8, fill: (byte)255);
        var volume = new VolumeArray(array, new ChunkCache(1 << 16), new VolumeReadOptions { ReadConcurrency = 4 });

        foreach (var box in new[] { new Box3((-2, -3, -4), (7, 9, 12)), new Box3((1, 1, 1), (4, 5, 6)), new Box3((5, 6, 7), (8, 9, 9)), new Box3((-9, 0, 0), (-1, 2, 2)) })
        {
            var region = await volume.ReadAsync<byte>(box, boundary);
            var expected = ReferenceReader.Read(values, shape, box.Start.ToArray(), box.Stop.ToArray(), boundary, (byte)255);
            Assert.Equal(expected, region.Data.ToArray());
            Assert.True(region.HasChannelAxis);
            Assert.Equal(new long[] { 3, box.Size.Z, box.Size.Y, box.Size.X }, region.Shape);
            Assert.Equal(expected[^1], region[2, box.Stop - Index3.All(1)]);
        }
    }

    [Fact]
    public async Task Float_arrays_keep_a_NaN_fill_value()
    {
        var values = Enumerable.Range(0, 27).Select(v => (float)v).ToArray();
        var array = VolumeTestData.Array(values, [3, 3, 3], [2, 2, 2], VoxelType.Float32, fill: float.NaN);

        var region = await new VolumeArray(array, new ChunkCache(0)).ReadAsync<float>(new Box3((2, 2, 2), (4, 3, 3)));

        Assert.Equal(26f, region.Data.Span[0]);
        Assert.True(float.IsNaN(region.Data.Span[1]));
    }

    [Fact]
    public async Task Reading_with_another_element_type_is_refused_naming_both()
    {
        var array = VolumeTestData.Array(new ushort[8], [2, 2, 2], [2, 2, 2], VoxelType.UInt16);
        var volume = new VolumeArray(array, new ChunkCache(0));

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await volume.ReadAsync<byte>(Box3.FromShape((2, 2, 2))));

        Assert.Contains("UInt16", error.Message, StringComparison.Ordinal);
        Assert.Contains("Byte", error.Message, StringComparison.Ordinal);
        Assert.Contains(array.Info.Location, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_buffer_of_the_wrong_length_is_refused()
    {
        var volume = new VolumeArray(VolumeTestData.Array(new byte[8], [2, 2, 2], [2, 2, 2], VoxelType.UInt8), new ChunkCache(0));

        await Assert.ThrowsAsync<ArgumentException>(async () => await volume.ReadIntoAsync<byte>(Box3.FromShape((2, 2, 2)), new byte[7]));
    }

    [Fact]
    public async Task Concurrent_reads_of_one_box_decode_each_chunk_once()
    {
        var values = VolumeTestData.UInt16(Shape3, seed: 3);
        var array = VolumeTestData.Array(values, Shape3, [4, 4, 4], VoxelType.UInt16);
        var gate = new TaskCompletionSource();
        array.Gate = gate.Task;
        var volume = new VolumeArray(array, new ChunkCache(1 << 20), new VolumeReadOptions { ReadConcurrency = 64 });
        var box = Box3.FromShape((13, 11, 17));

        var reads = Enumerable.Range(0, 8).Select(_ => volume.ReadAsync<ushort>(box).AsTask()).ToArray();
        await Task.Delay(50);
        gate.SetResult();
        var regions = await Task.WhenAll(reads);

        Assert.Equal(4 * 3 * 5, array.Decodes);
        Assert.All(array.ReadsByKey.Values, n => Assert.Equal(1, n));
        Assert.All(regions, r => Assert.Equal(values, r.Data.ToArray()));
    }

    [Fact]
    public async Task Emptiness_is_decided_from_missing_and_fill_only_chunks()
    {
        var values = new byte[8 * 8 * 8];
        values[(5 * 64) + (5 * 8) + 5] = 1; // one voxel in chunk (1, 1, 1) of 4³ chunks
        var array = VolumeTestData.Array(values, [8, 8, 8], [4, 4, 4], VoxelType.UInt8);
        array.Missing.Add(array.ChunkKey([0, 0, 0]));
        var volume = new VolumeArray(array, new ChunkCache(1 << 20));

        Assert.True(await volume.IsEmptyAsync(Box3.FromShape((4, 4, 4))));
        Assert.Equal(0, array.Decodes); // a chunk that is not stored is known without decoding
        Assert.True(await volume.IsEmptyAsync(Box3.FromShape((8, 8, 4))));
        Assert.False(await volume.IsEmptyAsync(new Box3((2, 2, 2), (6, 6, 6))));
        Assert.True(await volume.IsEmptyAsync(new Box3((20, 20, 20), (30, 30, 30))));
        Assert.False(await volume.IsEmptyAsync(new Box3((9, 9, 9), (12, 12, 12)), Boundary.Reflect)); // mirrors onto voxel 5
        Assert.True(await volume.IsEmptyAsync(new Box3((-3, -3, -3), (0, 0, 0)), Boundary.Replicate));
        Assert.All(array.ReadsByKey.Values, n => Assert.Equal(1, n)); // chunks checked once, then from the cache
    }

    [Fact]
    public async Task Emptiness_ignores_what_edge_chunks_hold_past_the_array()
    {
        var array = VolumeTestData.Array(new ushort[5 * 5 * 5], [5, 5, 5], [4, 4, 4], VoxelType.UInt16);
        var volume = new VolumeArray(array, new ChunkCache(0));

        Assert.True(await volume.IsEmptyAsync(Box3.FromShape((5, 5, 5))));
        Assert.Equal(8, array.Decodes);
    }

    [Fact]
    public void The_worst_case_memory_is_the_cache_the_chunks_in_flight_and_a_read_buffer()
    {
        var array = VolumeTestData.Array(new ushort[2 * 10 * 10 * 10], [2, 10, 10, 10], [1, 4, 4, 4], VoxelType.UInt16);
        var volume = new VolumeArray(array, new ChunkCache(1000), new VolumeReadOptions { ReadConcurrency = 3 });

        // 1000 + 3 chunks × (1·4·4·4 × 2 bytes) + 2 channels × 6·7·8 voxels × 2 bytes.
        Assert.Equal(1000 + (3 * 128) + (2 * 336 * 2), volume.WorstCaseMemoryBytes((6, 7, 8)));
        Assert.Equal(1000 + (3 * 128) + (2 * 2 * 336 * 2), VolumeArray.WorstCaseMemoryBytes(array.Info, 1000, 3, (6, 7, 8), concurrentReads: 2));
    }

    [Fact]
    public void Arrays_of_other_ranks_are_refused_by_name()
    {
        var array = new InMemoryChunkedArray([4, 4], [2, 2], VoxelType.UInt8, new byte[16]);

        var error = Assert.Throws<VolumeFeatureNotSupportedException>(() => new VolumeArray(array, new ChunkCache(0)));

        Assert.Contains("rank 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_refused_all_at_once()
    {
        var array = VolumeTestData.Array(new byte[8], [2, 2, 2], [2, 2, 2], VoxelType.UInt8);
        var options = new VolumeReadOptions { ReadConcurrency = 0, Retries = -1, RetryBaseDelay = TimeSpan.FromSeconds(2), RetryMaxDelay = TimeSpan.FromSeconds(1) };

        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new VolumeArray(array, new ChunkCache(0), options));

        Assert.Contains(nameof(VolumeReadOptions.ReadConcurrency), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(VolumeReadOptions.Retries), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(VolumeReadOptions.RetryMaxDelay), error.Message, StringComparison.Ordinal);
    }

    private static Box3 RandomBox(Random random, int trial)
    {
        Index3 start, size;
        switch (trial % 4)
        {
            case 0: // inside
                start = new Index3(random.Next(0, 10), random.Next(0, 8), random.Next(0, 14));
                size = new Index3(random.Next(1, (int)(13 - start.Z) + 1), random.Next(1, (int)(11 - start.Y) + 1), random.Next(1, (int)(17 - start.X) + 1));
                break;
            case 1: // straddling edges
                start = new Index3(random.Next(-8, 10), random.Next(-8, 8), random.Next(-8, 14));
                size = new Index3(random.Next(1, 20), random.Next(1, 20), random.Next(1, 20));
                break;
            case 2: // wholly outside
                start = new Index3(random.Next(14, 30), random.Next(-25, -5), random.Next(-3, 20));
                size = new Index3(random.Next(1, 6), random.Next(1, 6), random.Next(1, 6));
                break;
            default: // further than one array length on every side
                start = new Index3(random.Next(-30, -14), random.Next(-25, -12), random.Next(-40, -18));
                size = new Index3(random.Next(40, 60), random.Next(36, 50), random.Next(52, 70));
                break;
        }

        return Box3.FromStartSize(start, size);
    }

    private static void ApplyMissing(ushort[] dense, int[] chunks, long[] chunk, ushort fill)
    {
        for (var z = chunk[0] * chunks[0]; z < Math.Min((chunk[0] + 1) * chunks[0], Shape3[0]); z++)
        {
            for (var y = chunk[1] * chunks[1]; y < Math.Min((chunk[1] + 1) * chunks[1], Shape3[1]); y++)
            {
                for (var x = chunk[2] * chunks[2]; x < Math.Min((chunk[2] + 1) * chunks[2], Shape3[2]); x++)
                {
                    dense[(((z * Shape3[1]) + y) * Shape3[2]) + x] = fill;
                }
            }
        }
    }
}
