using Connectomics.Chunks;

namespace Connectomics.Abstractions.Tests.Chunks;

public sealed class WorkPositionTests
{
    [Theory]
    [InlineData("reads/a.parquet#3", 0L, "0@reads/a.parquet#3")]
    [InlineData("b.fasta", 1024L, "1024@b.fasta")]
    [InlineData("odd@key", 7L, "7@odd@key")]
    public void A_position_round_trips_through_its_text(string key, long offset, string text)
    {
        var position = WorkPosition.Within(key, offset);

        Assert.Equal(text, position.ToString());
        Assert.Equal(position, WorkPosition.Parse(text));
        Assert.False(position.IsDone);
        Assert.Equal((key, offset), (WorkPosition.Parse(text).UnitKey, WorkPosition.Parse(text).Offset));
    }

    [Fact]
    public void Done_round_trips()
    {
        Assert.Equal("done", WorkPosition.Done.ToString());
        Assert.Same(WorkPosition.Done, WorkPosition.Parse("done"));
        Assert.True(WorkPosition.Parse("done").IsDone);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("@a")]
    [InlineData("3@")]
    [InlineData("-1@a")]
    [InlineData("x@a")]
    [InlineData("Done")]
    public void Text_that_is_not_a_position_is_refused(string text)
    {
        Assert.False(WorkPosition.TryParse(text, out _));
        Assert.Contains(text, Assert.Throws<FormatException>(() => WorkPosition.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Within_refuses_an_empty_key_or_a_negative_offset()
    {
        Assert.Throws<ArgumentException>(() => WorkPosition.Within(" ", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkPosition.Within("a", -1));
    }
}
