using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Tests.Codecs;

/// <summary>The shuffles against their definitions, computed bit by bit here, for sizes that hit every code path.</summary>
public sealed class ShuffleTests
{
    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (var typeSize in new[] { 1, 2, 3, 4, 8, 16 })
        {
            foreach (var length in new[] { 0, 7, 64, 128 * typeSize, (130 * typeSize) + 1, (1000 * typeSize) + 3, 4096 * typeSize })
            {
                data.Add(typeSize, length);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Byte_shuffle_moves_byte_j_of_element_i_to_j_n_plus_i_and_back(int typeSize, int length)
    {
        var source = CodecTestData.Random(length, seed: length + typeSize);
        var count = length / typeSize;
        var expected = new byte[length];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < typeSize; j++)
            {
                expected[(j * count) + i] = source[(i * typeSize) + j];
            }
        }

        Array.Copy(source, count * typeSize, expected, count * typeSize, length - (count * typeSize));
        var shuffled = new byte[length];
        ByteShuffle.Shuffle(source, shuffled, typeSize);
        Assert.Equal(expected, shuffled);

        var back = new byte[length];
        ByteShuffle.Unshuffle(shuffled, back, typeSize);
        Assert.Equal(source, back);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Bit_shuffle_follows_bitshuffles_layout_and_back(int typeSize, int length)
    {
        var source = CodecTestData.Random(length, seed: (3 * length) + typeSize);
        var count = length / typeSize;
        var expected = (byte[])source.Clone();
        if (count % 8 == 0)
        {
            Array.Clear(expected, 0, count * typeSize);
            var rowBytes = count / 8;
            for (var i = 0; i < count; i++)
            {
                for (var j = 0; j < typeSize; j++)
                {
                    for (var b = 0; b < 8; b++)
                    {
                        var bit = (source[(i * typeSize) + j] >> b) & 1;
                        expected[(((8 * j) + b) * rowBytes) + (i / 8)] |= (byte)(bit << (i % 8));
                    }
                }
            }
        }

        var scratch = new byte[length];
        var shuffled = new byte[length];
        BitShuffle.Shuffle(source, shuffled, typeSize, scratch);
        Assert.Equal(expected, shuffled);

        var back = new byte[length];
        BitShuffle.Unshuffle(shuffled, back, typeSize, scratch);
        Assert.Equal(source, back);
    }

    [Fact]
    public void The_8x8_transpose_swaps_rows_and_columns()
    {
        var random = new Random(5);
        for (var trial = 0; trial < 100; trial++)
        {
            var x = (ulong)random.NextInt64();
            var t = BitShuffle.Transpose8x8(x);
            for (var r = 0; r < 8; r++)
            {
                for (var c = 0; c < 8; c++)
                {
                    Assert.Equal((x >> ((8 * r) + c)) & 1, (t >> ((8 * c) + r)) & 1);
                }
            }
        }
    }
}
