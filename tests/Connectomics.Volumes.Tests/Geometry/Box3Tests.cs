using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Tests.Geometry;

public sealed class Box3Tests
{
    [Fact]
    public void Intersection_of_overlapping_boxes_is_their_common_voxels()
    {
        var a = Box3.FromStartSize((0, 0, 0), (10, 20, 30));
        var b = Box3.FromStartSize((5, -4, 25), (10, 10, 10));

        var both = a.Intersect(b);

        Assert.Equal(new Box3((5, 0, 25), (10, 6, 30)), both);
        Assert.Equal(5 * 6 * 5, both.VoxelCount);
    }

    [Fact]
    public void Disjoint_boxes_intersect_in_an_empty_box_with_no_voxels()
    {
        var a = Box3.FromStartSize((0, 0, 0), (4, 4, 4));
        var b = Box3.FromStartSize((0, 4, 0), (4, 4, 4));

        Assert.True(a.Intersect(b).IsEmpty);
        Assert.Equal(0, a.Intersect(b).VoxelCount);
        Assert.True(a.Contains(a.Intersect(b)));
    }

    [Fact]
    public void Grow_adds_the_halo_on_both_sides_of_each_axis()
    {
        var block = Box3.FromStartSize((64, 64, 64), (512, 512, 512));

        var read = block.Grow(Index3.All(64));

        Assert.Equal(new Box3((0, 0, 0), (640, 640, 640)), read);
        Assert.True(read.Contains(block));
        Assert.False(block.Contains(read));
        Assert.True(read.Contains(new Index3(639, 0, 639)));
        Assert.False(read.Contains(new Index3(640, 0, 0)));
    }

    [Fact]
    public void A_negative_size_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Box3.FromStartSize((0, 0, 0), (1, -1, 1)));
    }
}
