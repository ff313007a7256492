using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Tests.Blocks;

public sealed class MortonOrderTests
{
    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(0, 0, 1, 1)]
    [InlineData(0, 1, 0, 2)]
    [InlineData(1, 0, 0, 4)]
    [InlineData(1, 1, 1, 7)]
    [InlineData(0, 0, 2, 8)]
    [InlineData(3, 3, 3, 63)]
    [InlineData(2, 1, 3, 0b101_011)] // level 1: z1 y1 x1 = 1 0 1; level 0: z0 y0 x0 = 0 1 1
    public void Codes_of_a_cube_interleave_z_y_x_bits(long z, long y, long x, long code)
    {
        Assert.Equal(code, MortonOrder.Encode((z, y, x), (8, 8, 8)));
        Assert.Equal(new Index3(z, y, x), MortonOrder.Decode(code, (8, 8, 8)));
    }

    [Fact]
    public void Axes_contribute_only_the_bits_their_extent_needs()
    {
        // Grid 1 × 3 × 5: z has no bit, y two, x three; bits from low to high: x0 y0 x1 y1 x2.
        Assert.Equal(0b11000, MortonOrder.Encode((0, 2, 4), (1, 3, 5)));
        Assert.Equal(0b00011, MortonOrder.Encode((0, 1, 1), (1, 3, 5)));
        Assert.Equal(new Index3(0, 2, 4), MortonOrder.Decode(0b11000, (1, 3, 5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MortonOrder.Decode(0b11100, (1, 3, 5))); // y = 3 is outside
        Assert.Throws<ArgumentOutOfRangeException>(() => MortonOrder.Encode((0, 3, 0), (1, 3, 5)));
    }

    public static TheoryData<long, long, long> Shapes => new()
    {
        { 1, 1, 1 }, { 2, 2, 2 }, { 3, 5, 7 }, { 1, 1, 9 }, { 17, 2, 3 }, { 4, 4, 4 }, { 6, 1, 11 }, { 9, 9, 2 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Enumeration_visits_every_cell_once_in_increasing_code_order(long z, long y, long x)
    {
        var shape = new Index3(z, y, x);
        var cells = MortonOrder.Enumerate(shape).ToList();

        Assert.Equal(shape.Volume, cells.Count);
        Assert.Equal(shape.Volume, cells.Distinct().Count());
        Assert.All(cells, c => Assert.True(Box3.FromShape(shape).Contains(c)));
        var codes = cells.Select(c => MortonOrder.Encode(c, shape)).ToList();
        Assert.Equal(codes.Order(), codes);
        Assert.All(codes, c => Assert.True(c < 8 * shape.Volume, $"code {c} not below 8 × {shape.Volume}"));
        Assert.Equal(cells, codes.Select(c => MortonOrder.Decode(c, shape)));
    }

    [Fact]
    public void A_long_thin_grid_is_enumerated_without_walking_a_cube()
    {
        var shape = new Index3(1, 1, 1 << 16);

        var count = MortonOrder.Enumerate(shape).LongCount();

        Assert.Equal(1 << 16, count);
        Assert.Equal(12345, MortonOrder.Encode((0, 0, 12345), shape));
    }

    [Fact]
    public void Empty_grids_have_no_cells()
    {
        Assert.Empty(MortonOrder.Enumerate((0, 4, 4)));
    }
}
