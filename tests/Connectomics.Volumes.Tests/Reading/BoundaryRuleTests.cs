using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Tests.Reading;

public sealed class BoundaryRuleTests
{
    // np.pad(np.arange(4), 9, mode) and np.pad(np.arange(n), p, "reflect"), NumPy 1.24.
    private static readonly long[] ReflectFourByNine = [3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0];
    private static readonly long[] EdgeFourByNine = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3];
    private static readonly long[] ReflectOneByThree = [0, 0, 0, 0, 0, 0, 0];
    private static readonly long[] ReflectTwoByFive = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0];

    public static TheoryData<long, long, Boundary, long[]> NumpyPads => new()
    {
        { 4, 9, Boundary.Reflect, ReflectFourByNine },
        { 4, 9, Boundary.Replicate, EdgeFourByNine },
        { 1, 3, Boundary.Reflect, ReflectOneByThree },
        { 2, 5, Boundary.Reflect, ReflectTwoByFive },
    };

    [Theory]
    [MemberData(nameof(NumpyPads))]
    public void The_reference_rule_and_the_engine_rule_pad_as_numpy_does(long length, long pad, Boundary boundary, long[] expected)
    {
        var reference = new long[length + (2 * pad)];
        var engine = new long[reference.Length];
        for (var i = 0; i < reference.Length; i++)
        {
            reference[i] = ReferenceReader.Map(i - pad, length, boundary);
            engine[i] = AxisMapping.Map(i - pad, length, boundary);
        }

        Assert.Equal(expected, reference);
        Assert.Equal(expected, engine);
    }

    [Fact]
    public void Fill_reads_nothing_outside_the_axis()
    {
        Assert.Equal(-1, AxisMapping.Map(-1, 4, Boundary.Fill));
        Assert.Equal(-1, AxisMapping.Map(4, 4, Boundary.Fill));
        Assert.Equal(3, AxisMapping.Map(3, 4, Boundary.Fill));
        Assert.Equal(-1, AxisMapping.Map(0, 0, Boundary.Reflect));
    }

    [Theory]
    [InlineData(Boundary.Fill)]
    [InlineData(Boundary.Reflect)]
    [InlineData(Boundary.Replicate)]
    public void Runs_reproduce_the_rule_at_every_position(Boundary boundary)
    {
        for (var length = 0L; length <= 7; length++)
        {
            for (var start = -23L; start <= 9; start += 4)
            {
                for (var stop = start; stop <= start + 40; stop += 3)
                {
                    var mapping = AxisMapping.Create(start, stop, length, boundary);
                    var covered = 0L;
                    foreach (var run in mapping.Runs)
                    {
                        Assert.Equal(covered, run.OutputStart);
                        for (var k = 0L; k < run.Length; k++)
                        {
                            var expected = ReferenceReader.Map(start + covered + k, length, boundary);
                            Assert.Equal(expected, run.IsFill ? -1 : run.SourceStart + (run.Step * k));
                        }

                        covered += run.Length;
                    }

                    Assert.Equal(stop - start, covered);
                }
            }
        }
    }
}
