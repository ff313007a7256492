using Connectomics.Pipelines.Engine;
using Connectomics.Pipelines.Tests.Doubles;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class ResumeConflictTests
{
    [Fact]
    public async Task Another_model_is_refused_naming_both_fingerprints()
    {
        var store = new MemoryVectorStore();
        await new Scenario(new MemoryChunkSource(Reads.Units(6), Reads.Columns), store).RunAsync();

        var other = new Scenario(new MemoryChunkSource(Reads.Units(6), Reads.Columns), store, new HashModel(fingerprint: "beef"));
        var conflict = await Assert.ThrowsAsync<PipelineResumeConflictException>(() => other.RunAsync());

        Assert.Contains("recorded f00d", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("now beef", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(("f00d", "beef"), conflict.Differences[RunIdentity.TagModelFingerprint]);
        Assert.Contains(other.LogEntries, e => e.EventId.Id == 2);
    }

    [Fact]
    public async Task Another_input_is_refused_naming_the_fingerprint_and_the_unit_count()
    {
        var store = new MemoryVectorStore();
        await new Scenario(new MemoryChunkSource(Reads.Units(6, 3), Reads.Columns), store).RunAsync();

        var conflict = await Assert.ThrowsAsync<PipelineResumeConflictException>(
            () => new Scenario(new MemoryChunkSource(Reads.Units(6, 3, 2), Reads.Columns), store).RunAsync());

        Assert.Contains("the input fingerprint", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("the number of input units recorded 2, now 3", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("Restart()", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(["input.fingerprint", "input.units"], conflict.Differences.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Other_columns_are_refused_even_by_a_store_that_accepts_them()
    {
        var store = new MemoryVectorStore { StrictColumns = false };
        await new Scenario(new MemoryChunkSource(Reads.Units(6), Reads.Columns), store).RunAsync();

        RecordColumn[] columns = [new("depth", RecordColumnType.Int32), new("taxon", RecordColumnType.String)];
        var conflict = await Assert.ThrowsAsync<PipelineResumeConflictException>(
            () => new Scenario(new MemoryChunkSource(Reads.Units(6), columns), store).RunAsync());

        Assert.Contains("the columns recorded depth:int32?, now depth:int32?, taxon:string?", conflict.Message, StringComparison.Ordinal);
        Assert.Single(conflict.Differences);
    }

    [Fact]
    public async Task Every_difference_is_named_in_one_message()
    {
        var store = new MemoryVectorStore();
        await new Scenario(new MemoryChunkSource(Reads.Units(6), Reads.Columns), store).RunAsync();

        var changed = new Scenario(
            new MemoryChunkSource(Reads.Units(6), Reads.Columns, new Dictionary<string, string> { ["id"] = "accession" }), store) { ChunkSize = 3 };
        var conflict = await Assert.ThrowsAsync<PipelineResumeConflictException>(() => changed.RunAsync());

        Assert.Contains("the chunk size recorded 4, now 3", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("the source setting 'id' recorded name, now accession", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("2 setting(s)", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(("4", "3"), conflict.Differences[RunIdentity.TagChunkSize]);
    }
}
