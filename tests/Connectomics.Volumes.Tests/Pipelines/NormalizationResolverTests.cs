using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Tests.Pipelines;

public sealed class NormalizationResolverTests
{
    [Theory]
    [InlineData(VoxelType.UInt8, 255.0)]
    [InlineData(VoxelType.UInt16, 65535.0)]
    public async Task Unsigned_types_divide_by_their_largest_value(VoxelType type, double max)
    {
        var volume = new ReferenceVolume(new Index3(4, 4, 4), Index3.All(2), type, (z, y, x) => z + y + x);
        var normalization = await NormalizationResolver.ResolveAsync(new VolumeArray(volume.Array()));

        Assert.Equal((float)(1 / max), normalization.Scale);
        Assert.Equal(0f, normalization.Shift);
        Assert.Equal("dtype-range", normalization.Method);
        Assert.Contains(type.ToString().ToLowerInvariant(), normalization.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VoxelType.Int16)]
    [InlineData(VoxelType.Float32)]
    public async Task Signed_and_float_types_map_the_sampled_1st_and_99th_percentiles_to_0_and_1(VoxelType type)
    {
        // 5 × 5 × 4 voxels holding -50 .. 49 once each: with linear interpolation over 100 sorted values the 1st
        // percentile lies at rank 0.99 (-50 + 0.99 = -49.01) and the 99th at rank 98.01 (48.01).
        var volume = new ReferenceVolume(new Index3(5, 5, 4), new Index3(2, 3, 4), type, (z, y, x) => ((z * 20) + (y * 4) + x) - 50);
        var normalization = await NormalizationResolver.ResolveAsync(new VolumeArray(volume.Array()));

        const double low = -49.01, high = 48.01;
        Assert.Equal("percentiles", normalization.Method);
        Assert.Equal(1 / (high - low), normalization.Scale, 1e-6);
        Assert.Equal(-low / (high - low), normalization.Shift, 1e-6);
        Assert.Contains("over 100 values of 6 of 6 chunks", normalization.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Percentiles_pass_over_empty_chunks_and_sample_evenly_spaced_chunks()
    {
        // 100 chunks of one voxel each, holding 1 .. 100, chunk 0 missing (fill 0): 64 evenly spaced positions
        // ⌊i × 100 / 64⌋; position 0's stretch [0, 1) has no other chunk, so it is left out and its fill never sampled.
        var volume = new ReferenceVolume(new Index3(1, 1, 100), Index3.All(1), VoxelType.Int16, (z, y, x) => x + 1);
        var array = volume.Array();
        array.Missing.Add("c/0/0/0");
        var normalization = await NormalizationResolver.ResolveAsync(new VolumeArray(array));

        var positions = Enumerable.Range(0, 64).Select(i => i * 100 / 64).ToList();
        var expected = positions.Where(p => p != 0).Select(p => (double)(p + 1)).Order().ToList();
        var low = NormalizationResolver.Percentile(expected, 1);
        var high = NormalizationResolver.Percentile(expected, 99);
        Assert.Contains($"of {expected.Count} of 100 chunks", normalization.Detail, StringComparison.Ordinal);
        Assert.Equal(1 / (high - low), normalization.Scale, 1e-6);
    }

    [Fact]
    public async Task An_explicit_normalization_is_kept()
    {
        var volume = new ReferenceVolume(new Index3(2, 2, 2), Index3.All(2), VoxelType.Float32, (z, y, x) => x);
        var given = VoxelNormalization.Explicit(0.5f, -1);
        Assert.Same(given, await NormalizationResolver.ResolveAsync(new VolumeArray(volume.Array()), given));
    }
}
