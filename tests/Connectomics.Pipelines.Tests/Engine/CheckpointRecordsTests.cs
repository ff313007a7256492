using System.ComponentModel.DataAnnotations;
using Connectomics.Pipelines.Tests.Doubles;
using Connectomics.Pipelines.Tests.Doubles.Tiles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class CheckpointRecordsTests
{
    [Theory]
    [InlineData(1, 3, new long[] { 3, 6, 9, 10 })]
    [InlineData(2, 3, new long[] { 4, 8, 10 })]
    [InlineData(4, 1, new long[] { 4, 8, 10 })]
    public async Task A_commit_follows_every_so_many_records(int chunkSize, long records, long[] commits)
    {
        var scenario = new TileScenario(new TileSource(TileScenario.Units([1, 0, 2, 1, 0, 1, 1, 0, 1, 1]))) { ChunkSize = chunkSize, CheckpointRecords = records };

        var result = await scenario.RunAsync();

        var tags = scenario.Output.Versions.Where(v => v.Tag is not null).Select(v => v.Tag!).ToList();
        Assert.Equal(commits, tags.Select(t => t.RecordsRead));
        Assert.Equal(commits.Length, result.Commits);
    }

    [Fact]
    public void A_record_limit_below_one_is_refused_when_built()
    {
        var scenario = new TileScenario(new TileSource(TileScenario.Units([1]))) { CheckpointRecords = 0 };

        var thrown = Assert.Throws<ValidationException>(() => EmbeddingPipeline.From(scenario.Source, new TileRows())
            .Embed(scenario.Model).To(scenario.Store, "t").OnBadRecords(BadRecordPolicy.Fail)
            .Configure(o => o.CheckpointRecords = 0).Build());

        Assert.Contains(nameof(EmbeddingPipelineOptions.CheckpointRecords), thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_pipeline_keeps_the_record_limit_and_the_retry_setting()
    {
        var pipeline = EmbeddingPipeline.From(new TileSource(TileScenario.Units([1])), new TileRows())
            .Embed(new TileModel()).To(new MemoryVectorStore(), "t").OnBadRecords(BadRecordPolicy.Quarantine, new MemoryQuarantine())
            .Configure(o => (o.CheckpointRecords, o.RetryQuarantined) = (7, true)).Build();

        Assert.Equal((7L, true), (pipeline.Options.CheckpointRecords, pipeline.Options.RetryQuarantined));
    }
}
