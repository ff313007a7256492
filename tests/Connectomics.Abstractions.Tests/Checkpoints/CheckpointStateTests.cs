using Connectomics.Checkpoints;

namespace Connectomics.Abstractions.Tests.Checkpoints;

public sealed class CheckpointStateTests
{
    [Fact]
    public void Equality_compares_position_entries_regardless_of_order()
    {
        var a = new CheckpointState { RunId = "r", StoreVersion = 3, Position = new Dictionary<string, string> { ["file"] = "a.parquet", ["row"] = "10" } };
        var b = new CheckpointState { RunId = "r", StoreVersion = 3, Position = new Dictionary<string, string> { ["row"] = "10", ["file"] = "a.parquet" } };
        var c = b with { Position = new Dictionary<string, string> { ["row"] = "11", ["file"] = "a.parquet" } };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, a with { RecordsWritten = 1 });
        Assert.Equal(["file", "row"], b.Position.Keys);
    }

    [Fact]
    public void ToString_shows_the_position_entries()
    {
        var state = new CheckpointState { RunId = "r", StoreVersion = 3, Position = new Dictionary<string, string> { ["row"] = "10", ["file"] = "a.parquet" } };

        Assert.Equal(
            "CheckpointState { RunId = r, Position = { file = a.parquet, row = 10 }, StoreVersion = 3, RecordsRead = 0, RecordsWritten = 0, SavedAt = 0001-01-01T00:00:00.0000000+00:00 }",
            state.ToString());
    }

    [Fact]
    public void Position_is_a_copy_the_caller_cannot_change()
    {
        var source = new Dictionary<string, string> { ["row"] = "1" };
        var state = new CheckpointState { RunId = "r", StoreVersion = 0, Position = source };
        source["row"] = "2";

        Assert.Equal("1", state.Position["row"]);
    }

    [Fact]
    public void Invalid_values_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointState { RunId = "r", StoreVersion = 0, RecordsRead = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointState { RunId = "r", StoreVersion = 0, RecordsWritten = -1 });
        Assert.Throws<ArgumentException>(() => new CheckpointState { RunId = " ", StoreVersion = 0 });
        Assert.Throws<ArgumentNullException>(() => new CheckpointState { RunId = "r", StoreVersion = 0, Position = new Dictionary<string, string> { ["k"] = null! } });
    }
}
