using Connectomics.Gpu.Models.UNet;

namespace Connectomics.Gpu.Tests.Models.UNet;

public sealed class VoxelFeaturePoolingTests
{
    [Fact]
    public void Box_mean_and_max_equal_hand_computed_values()
    {
        // Two channels over a 1x2x2 box: channel 0 = 1, 2, 3, 4; channel 1 = -1, 5, 0, 2.
        float[] features = [1, 2, 3, 4, -1, 5, 0, 2];
        var mean = new float[2];
        VoxelFeaturePooling.PoolBox(features, 2, new VoxelExtent(1, 2, 2), VoxelPooling.Mean, mean);
        Assert.Equal([2.5f, 1.5f], mean);
        var max = new float[2];
        VoxelFeaturePooling.PoolBox(features, 2, new VoxelExtent(1, 2, 2), VoxelPooling.Max, max);
        Assert.Equal([4f, 5f], max);
    }

    [Theory]
    [InlineData(VoxelPooling.Mean)]
    [InlineData(VoxelPooling.Max)]
    public void Cells_with_partial_edges_equal_a_voxel_by_voxel_pooling(VoxelPooling pooling)
    {
        const int channels = 3;
        var size = new VoxelExtent(5, 7, 9);
        var cell = new VoxelExtent(2, 3, 4);
        var features = UNetAssert.RandomInput(channels * size.Volume, seed: 12);
        var grid = VoxelFeaturePooling.CellGrid(size, cell);
        Assert.Equal(new VoxelExtent(3, 3, 3), grid);
        var pooled = new float[grid.Volume * channels];
        VoxelFeaturePooling.PoolCells(features, channels, size, cell, pooling, pooled);

        var expected = new float[pooled.Length];
        for (var cz = 0; cz < grid.Z; cz++)
        for (var cy = 0; cy < grid.Y; cy++)
        for (var cx = 0; cx < grid.X; cx++)
        for (var d = 0; d < channels; d++)
        {
            var values = new List<double>();
            for (var z = cz * cell.Z; z < Math.Min(size.Z, (cz + 1) * cell.Z); z++)
            for (var y = cy * cell.Y; y < Math.Min(size.Y, (cy + 1) * cell.Y); y++)
            for (var x = cx * cell.X; x < Math.Min(size.X, (cx + 1) * cell.X); x++)
            {
                values.Add(features[(((d * size.Z) + z) * size.Y + y) * size.X + x]);
            }

            var index = ((((cz * grid.Y) + cy) * grid.X) + cx) * channels + d;
            expected[index] = (float)(pooling == VoxelPooling.Mean ? values.Average() : values.Max());
        }

        UNetAssert.Close(expected, pooled, 1e-6, pooling.ToString());
    }

    [Fact]
    public void Wrong_lengths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            VoxelFeaturePooling.PoolCells(new float[10], 2, new VoxelExtent(1, 2, 2), VoxelExtent.Cube(1), VoxelPooling.Mean, new float[8]));
        Assert.Contains("[2, 1, 2, 2] needs 8", error.Message, StringComparison.Ordinal);
    }
}
