using Connectomics.Chunks;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Store;
using Connectomics.Stores;

namespace Connectomics.Storage.Tests.Lance.Store;

public sealed class CommitTagPropertiesTests
{
    private static readonly CommitTag Tag = new("run", new ShardAssignment(1, 3), WorkPosition.Within("blocks", 40))
    {
        RecordsRead = 40,
        RowsWritten = 310,
        RecordsRejected = 2,
        Properties = new Dictionary<string, string> { ["model.fingerprint"] = "f00d" },
    };

    [Fact]
    public void The_records_to_retry_are_a_json_array_of_positions_and_come_back()
    {
        var tag = Tag with { Retry = [WorkPosition.Within("blocks", 3), WorkPosition.Within("other/unit#2", 17)] };

        var properties = CommitTagProperties.Encode(tag);
        var decoded = CommitTagProperties.Decode(properties, "v7.manifest");

        Assert.Equal("""["3@blocks","17@other/unit#2"]""", properties[CommitTagProperties.RetryKey]);
        Assert.Equal(tag.Retry, decoded.Retry);
        Assert.Equal((tag.Position, tag.RecordsRead, tag.RowsWritten, tag.RecordsRejected), (decoded.Position, decoded.RecordsRead, decoded.RowsWritten, decoded.RecordsRejected));
        Assert.Equal("f00d", decoded.Properties["model.fingerprint"]);
    }

    [Fact]
    public void No_records_to_retry_leave_the_key_out_and_an_absent_key_is_none()
    {
        var properties = CommitTagProperties.Encode(Tag);

        Assert.False(properties.ContainsKey(CommitTagProperties.RetryKey));
        Assert.Empty(CommitTagProperties.Decode(properties, "v7.manifest").Retry);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"a":1}""")]
    [InlineData("""["3@blocks",4]""")]
    [InlineData("""["done"]""")]
    [InlineData("""["blocks"]""")]
    public void A_malformed_retry_list_names_the_key_and_the_file(string text)
    {
        var properties = CommitTagProperties.Encode(Tag);
        properties[CommitTagProperties.RetryKey] = text;

        var thrown = Assert.Throws<LanceFormatException>(() => CommitTagProperties.Decode(properties, "_versions/7.manifest"));

        Assert.Equal("_versions/7.manifest", thrown.FilePath);
        Assert.Contains("'connectomics.retry'", thrown.Message, StringComparison.Ordinal);
    }
}
