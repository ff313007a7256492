using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Precomputed;

namespace Connectomics.Volumes.Tests.Precomputed;

public sealed class PrecomputedReadTests
{
    [Theory]
    [InlineData("uint8", "s1", "|u1")]
    [InlineData("uint16_3ch", "8_8_8", "<u2")]
    [InlineData("float32", "4_4_4", "<f4")]
    public async Task Raw_scales_read_equal_to_the_spec_generated_truth(string volumeName, string scaleKey, string descr)
    {
        var volume = await PrecomputedVolume.OpenAsync(await PrecomputedFixtures.LoadAsync(volumeName));
        var truth = PrecomputedFixtures.Truth(volumeName, scaleKey);

        var array = volume.OpenScale(scaleKey);

        Assert.Equal(descr, truth.Descr);
        Assert.Equal(truth.Shape, array.Info.Shape);
        Assert.Equal(truth.Data, await ChunkStitcher.ReadAllAsync(array));
    }

    [Fact]
    public async Task The_info_is_reported_in_z_y_x_order_with_the_voxel_offset_and_every_scale()
    {
        var volume = await PrecomputedVolume.OpenAsync(await PrecomputedFixtures.LoadAsync("uint8"));

        Assert.Equal("image", volume.Type);
        Assert.Equal(VoxelType.UInt8, volume.DataType);
        Assert.Equal(1, volume.NumChannels);
        Assert.Equal(["s0", "s1"], volume.Scales.Select(scale => scale.Key));
        var s0 = volume.Scales[0];
        Assert.Equal(new Index3(7, 13, 21), s0.Size);
        Assert.Equal(new Index3(100, -3, 5), s0.VoxelOffset);
        Assert.Equal(new Index3(4, 8, 8), s0.ChunkSize);
        Assert.Equal([40.0, 8.0, 8.0], s0.Resolution);
        Assert.Equal(new Box3(new Index3(100, -3, 5), new Index3(107, 10, 26)), s0.Bounds);
        Assert.Equal(PrecomputedEncodings.Raw, s0.Encoding);
        Assert.False(s0.IsSharded);
        Assert.Equal([16.0, 16.0, 40.0], volume.Scales[1].Resolution.Reverse());

        var info = volume.OpenScale(0).Info;
        Assert.Equal(VolumeFormat.Precomputed, info.Format);
        Assert.Equal([7L, 13L, 21L], info.Shape);
        Assert.Equal([4, 8, 8], info.ChunkShape);
        Assert.Equal([2L, 2L, 3L], info.ChunkGridShape);
        Assert.Equal(["z", "y", "x"], info.DimensionNames!);
        Assert.Equal(new byte[1], info.FillValue.ToArray());
        Assert.Null(info.ShardShape);
        Assert.Equal("fixture:uint8/s0", info.Location);
    }

    [Fact]
    public async Task Several_channels_make_a_c_z_y_x_array_whose_channel_axis_is_one_chunk()
    {
        var volume = await PrecomputedVolume.OpenAsync(await PrecomputedFixtures.LoadAsync("uint16_3ch"));

        var array = volume.OpenScale("8_8_8");

        Assert.Equal([3L, 5L, 7L, 10L], array.Info.Shape);
        Assert.Equal([3, 3, 4, 4], array.Info.ChunkShape);
        Assert.Equal(["c", "z", "y", "x"], array.Info.DimensionNames!);
        Assert.Equal("8_8_8/9-11_6-9_6-8", array.ChunkKey(new long[] { 0, 1, 1, 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => array.ChunkKey(new long[] { 1, 0, 0, 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => array.ChunkKey(new long[] { 0, 2, 0, 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => array.ChunkKey(new long[] { 0, 0, 0 }));
    }

    [Fact]
    public async Task Chunk_keys_are_global_voxel_ranges_cut_at_the_volumes_edge()
    {
        var volume = await PrecomputedVolume.OpenAsync(await PrecomputedFixtures.LoadAsync("uint8"));
        var array = volume.OpenScale("s0");

        Assert.Equal("s0/5-13_-3-5_100-104", array.ChunkKey(new long[] { 0, 0, 0 }));
        Assert.Equal("s0/21-26_5-10_104-107", array.ChunkKey(new long[] { 1, 1, 2 }));
    }

    [Fact]
    public async Task A_missing_chunk_is_an_error_naming_its_key_unless_the_scale_fills_missing_chunks()
    {
        var volume = await PrecomputedVolume.OpenAsync(await PrecomputedFixtures.LoadAsync("uint8"));
        var missing = Assert.Single(PrecomputedFixtures.Listed("uint8", "s0", "missing"));
        Assert.Equal("s0/21-26_-3-5_104-107", missing);

        var strict = volume.OpenScale("s0");
        var exception = await Assert.ThrowsAsync<MissingChunkException>(async () => await strict.ReadChunkAsync(new long[] { 1, 0, 2 }));
        Assert.Equal(missing, exception.ChunkKey);
        Assert.Contains(missing, exception.Message, StringComparison.Ordinal);
        Assert.Contains("fillMissing", exception.Message, StringComparison.Ordinal);
        Assert.IsNotAssignableFrom<IOException>(exception);

        var lenient = volume.OpenScale("s0", fillMissing: true);
        Assert.Null(await lenient.ReadChunkAsync(new long[] { 1, 0, 2 }));
        Assert.Equal(PrecomputedFixtures.Truth("uint8", "s0").Data, await ChunkStitcher.ReadAllAsync(lenient));
    }

    [Fact]
    public async Task Plain_names_are_tried_before_gz_and_the_name_found_last_is_tried_first_so_a_missing_chunk_costs_two_reads()
    {
        var store = new CountingStore(await PrecomputedFixtures.LoadAsync("uint8"));
        var volume = await PrecomputedVolume.OpenAsync(store);
        var s0 = volume.OpenScale("s0", fillMissing: true);
        var s1 = volume.OpenScale("s1");
        store.Reads.Clear();

        await s0.ReadChunkAsync(new long[] { 0, 0, 0 });
        Assert.Equal(["s0/5-13_-3-5_100-104"], store.Reads);

        store.Reads.Clear();
        await s0.ReadChunkAsync(new long[] { 1, 0, 2 });
        Assert.Equal(["s0/21-26_-3-5_104-107", "s0/21-26_-3-5_104-107.gz"], store.Reads);

        // s1 holds .gz files only: the first read looks for both names, the next ones go to .gz straight away.
        store.Reads.Clear();
        await s1.ReadChunkAsync(new long[] { 0, 0, 0 });
        await s1.ReadChunkAsync(new long[] { 0, 0, 1 });
        await s1.ReadChunkAsync(new long[] { 1, 0, 1 });
        Assert.Equal(["s1/2-10_-2-5_100-104", "s1/2-10_-2-5_100-104.gz", "s1/10-13_-2-5_100-104.gz", "s1/10-13_-2-5_104-107.gz"], store.Reads);
        Assert.Equal(PrecomputedFixtures.Truth("uint8", "s1").Data, await ChunkStitcher.ReadAllAsync(s1));
    }

    [Fact]
    public async Task A_volume_in_a_folder_of_the_store_and_scale_keys_with_dot_dot_segments_resolve_against_the_info()
    {
        var fixture = await PrecomputedFixtures.LoadAsync("float32");
        var store = new Connectomics.Volumes.Stores.MemoryStore("nested");
        await foreach (var key in fixture.ListAsync(""))
        {
            var value = (await fixture.GetAsync(key))!;
            if (key == "info")
            {
                var text = System.Text.Encoding.UTF8.GetString(value).Replace("\"key\": \"4_4_4\"", "\"key\": \"../shared/4_4_4\"", StringComparison.Ordinal);
                await store.PutAsync("em/volume/info", System.Text.Encoding.UTF8.GetBytes(text));
            }
            else
            {
                await store.PutAsync($"em/shared/{key}", value);
            }
        }

        var volume = await PrecomputedVolume.OpenAsync(store, "em/volume");
        var array = volume.OpenScale(0);

        Assert.Equal("nested/em/volume", volume.Location);
        Assert.Equal("em/shared/4_4_4/0-4_0-4_0-4", array.ChunkKey(new long[] { 0, 0, 0 }));
        Assert.Equal(PrecomputedFixtures.Truth("float32", "4_4_4").Data, await ChunkStitcher.ReadAllAsync(array));
    }
}
