using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Precomputed;

namespace Connectomics.Volumes.Tests.Precomputed;

/// <summary>
/// jpeg scales against Pillow's decode (libjpeg-turbo) of the same files. JPEG decoders may differ in their inverse DCT
/// and chroma upsampling, so equality is within a stated tolerance per voxel; the mean difference shows the decodes
/// agree on the whole.
/// </summary>
public sealed class PrecomputedJpegTests
{
    /// <summary>Grey images have no chroma to upsample: ImageSharp and libjpeg-turbo differ only by inverse-DCT rounding.
    /// Measured: max 1, mean 0.023. The bound leaves one step for ImageSharp's CPU-dependent (SIMD or scalar) IDCT.</summary>
    private const int GreyTolerance = 2;

    /// <summary>Grey mean bound: about twice the measured 0.023.</summary>
    private const double GreyMeanTolerance = 0.05;

    /// <summary>RGB images (Pillow's default 4:2:0 chroma subsampling) also differ by the chroma upsampling filter
    /// (libjpeg-turbo's "fancy" triangular filter) and YCbCr-to-RGB rounding, which the fixtures' per-channel noise
    /// makes large at chroma edges. Measured: max 14, mean 1.37; the bounds are 16 and 2.</summary>
    private const int RgbTolerance = 16;

    /// <summary>RGB mean bound.</summary>
    private const double RgbMeanTolerance = 2.0;

    [Theory]
    [InlineData("jpeg_grey", GreyTolerance, GreyMeanTolerance)]
    [InlineData("jpeg_rgb", RgbTolerance, RgbMeanTolerance)]
    public async Task Jpeg_chunks_decode_within_the_stated_tolerance_of_libjpeg_turbo(string volumeName, int tolerance, double meanTolerance)
    {
        var volume = await PrecomputedVolume.OpenAsync(await PrecomputedFixtures.LoadAsync(volumeName));
        var truth = PrecomputedFixtures.Truth(volumeName, "s0");
        var array = volume.OpenScale("s0");

        var decoded = await ChunkStitcher.ReadAllAsync(array);

        Assert.Equal(truth.Shape, array.Info.Shape);
        Assert.Equal(truth.Data.Length, decoded.Length);
        var maximum = 0;
        long total = 0;
        for (var i = 0; i < decoded.Length; i++)
        {
            var difference = Math.Abs(decoded[i] - truth.Data[i]);
            maximum = Math.Max(maximum, difference);
            total += difference;
        }

        var mean = (double)total / decoded.Length;
        Assert.True(maximum <= tolerance, $"{volumeName}: max |ImageSharp − libjpeg-turbo| = {maximum} > {tolerance} (mean {mean:F3}).");
        Assert.True(mean <= meanTolerance, $"{volumeName}: mean |ImageSharp − libjpeg-turbo| = {mean:F3} > {meanTolerance}.");
    }

    [Fact]
    public async Task An_image_of_any_width_with_the_chunks_pixel_count_reads_and_a_gzip_file_too()
    {
        Assert.Single(PrecomputedFixtures.Listed("jpeg_grey", "s0", "other_width"));
        Assert.Single(PrecomputedFixtures.Listed("jpeg_grey", "s0", "gz"));
        var volume = await PrecomputedVolume.OpenAsync(await PrecomputedFixtures.LoadAsync("jpeg_grey"));
        var scale = Assert.Single(volume.Scales);
        Assert.Equal(PrecomputedEncodings.Jpeg, scale.Encoding);
        Assert.Equal(85, scale.JpegQuality);

        var array = volume.OpenScale(0);
        var first = await array.ReadChunkAsync(new long[] { 0, 0, 0 });
        var gzipped = await array.ReadChunkAsync(new long[] { 0, 0, 1 });

        Assert.NotNull(first);
        Assert.NotNull(gzipped);
        Assert.Contains(first, value => value != 0);
        Assert.Contains(gzipped, value => value != 0);
    }

    [Fact]
    public async Task A_jpeg_of_the_wrong_pixel_count_or_not_a_jpeg_is_corrupt_data_naming_the_key()
    {
        var store = await PrecomputedFixtures.LoadAsync("jpeg_grey");
        var volume = await PrecomputedVolume.OpenAsync(store);
        var array = volume.OpenScale(0);
        var key = array.ChunkKey(new long[] { 0, 1, 0 });
        var small = (await store.GetAsync(array.ChunkKey(new long[] { 1, 2, 2 })))!;
        await store.PutAsync(key, small);

        var wrongSize = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 1, 0 }));
        Assert.Equal(key, wrongSize.ChunkKey);
        Assert.Contains("pixels", wrongSize.Message, StringComparison.Ordinal);

        await store.PutAsync(key, new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3 });
        var garbage = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 1, 0 }));
        Assert.Equal(key, garbage.ChunkKey);
    }
}
