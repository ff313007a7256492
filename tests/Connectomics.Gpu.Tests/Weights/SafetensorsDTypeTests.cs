using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Tests.Weights;

public sealed class SafetensorsDTypeTests
{
    [Theory]
    [InlineData(SafetensorsDType.Bool, "BOOL", 1)]
    [InlineData(SafetensorsDType.U8, "U8", 1)]
    [InlineData(SafetensorsDType.I8, "I8", 1)]
    [InlineData(SafetensorsDType.F8E5M2, "F8_E5M2", 1)]
    [InlineData(SafetensorsDType.F8E4M3, "F8_E4M3", 1)]
    [InlineData(SafetensorsDType.I16, "I16", 2)]
    [InlineData(SafetensorsDType.U16, "U16", 2)]
    [InlineData(SafetensorsDType.F16, "F16", 2)]
    [InlineData(SafetensorsDType.BF16, "BF16", 2)]
    [InlineData(SafetensorsDType.I32, "I32", 4)]
    [InlineData(SafetensorsDType.U32, "U32", 4)]
    [InlineData(SafetensorsDType.F32, "F32", 4)]
    [InlineData(SafetensorsDType.F64, "F64", 8)]
    [InlineData(SafetensorsDType.I64, "I64", 8)]
    [InlineData(SafetensorsDType.U64, "U64", 8)]
    public void Each_dtype_has_its_exact_format_string_and_size(SafetensorsDType dtype, string format, int size)
    {
        Assert.Equal(format, dtype.ToFormatString());
        Assert.Equal(size, dtype.GetElementSize());
        Assert.True(SafetensorsDTypeExtensions.TryParseFormatString(format, out var parsed));
        Assert.Equal(dtype, parsed);
    }

    [Fact]
    public void Every_member_is_covered()
    {
        Assert.Equal(15, Enum.GetValues<SafetensorsDType>().Length);
        Assert.All(Enum.GetValues<SafetensorsDType>(), d => Assert.NotNull(d.ToFormatString()));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("FLOAT32")]
    [InlineData("F8_E8M0")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_spellings_do_not_parse(string? value)
    {
        Assert.False(SafetensorsDTypeExtensions.TryParseFormatString(value, out _));
    }

    [Fact]
    public void Undefined_values_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SafetensorsDType)99).GetElementSize());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SafetensorsDType)99).ToFormatString());
    }
}
