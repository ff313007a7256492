using System.Text;
using Connectomics.Lora.Logging;

namespace Connectomics.Lora.Tests.Logging;

public sealed class Crc32CTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x22620404u)]
    public void Text_checksums_match_the_published_crc32c_check_values(string text, uint expected) =>
        Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void The_iscsi_test_vectors_of_rfc_3720_are_reproduced()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void The_mask_rotates_right_by_15_and_adds_the_tfrecord_constant()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        const uint Crc = 0xE3069283u;
        Assert.Equal(unchecked(((Crc >> 15) | (Crc << 17)) + 0xa282ead8u), Crc32C.ComputeMasked(data));
    }
}
