using System.ComponentModel.DataAnnotations;
using Connectomics.Pipelines;
using Connectomics.Storage.Parquet;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using Connectomics.Volumes.Tests.Reading;
using ParquetSharp;

namespace Connectomics.Volumes.Tests.Pipelines;

public sealed class VolumePipelineRunTests : IDisposable
{
    private static readonly Index3 Shape = new(20, 18, 22);
    private readonly TempDirectory _db = new("volume-pipeline-run");
    private readonly ReferenceVolume _volume = ReferenceVolume.UInt8(Shape, Index3.All(8));

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Build_refuses_every_problem_at_once_naming_both_numbers()
    {
        var twoChannels = new InMemoryChunkedArray([2, 4, 4, 4], [1, 4, 4, 4], VoxelType.Float64, new byte[2 * 64 * 8]);
        var error = await Assert.ThrowsAsync<ValidationException>(() => EmbeddingPipeline.FromArray(twoChannels, "multi")
            .Blocks(b => b.Size(new Index3(8, 9, 8)).Halo(new Index3(1, 2, 2)))
            .Read(r => r.MaxMemoryBytes(1000))
            .Embed(new MeanMaxModel())
            .ToLance(_db.Path, "refused")
            .BuildAsync());

        Assert.Contains("The halo 1 is less than the model's context 2 (z)", error.Message, StringComparison.Ordinal);
        Assert.Contains("The block size 9 is not a multiple of the model's output stride 2 (y)", error.Message, StringComparison.Ordinal);
        Assert.Contains("The array 'multi' (float64) has 2 channel(s); the model 'mean-max' takes 1.", error.Message, StringComparison.Ordinal);
        Assert.Contains("The array 'multi' holds float64 voxels (2 channel(s)), which the model 'mean-max' does not take.", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_db.Path, "refused.lance")));

        // The memory bound, alone: cache 4096 + 8 reads × 512-byte chunk + (1 + 5 blocks in flight) × 12³ read box bytes.
        var memory = await Assert.ThrowsAsync<ValidationException>(() => EmbeddingPipeline.FromArray(_volume.Array(), "em")
            .Blocks(b => b.Size(8).Halo(2))
            .Read(r => r.CacheBytes(4096).Concurrency(8).MaxMemoryBytes(10_000))
            .Embed(new MeanMaxModel())
            .ToLance(_db.Path, "refused")
            .BuildAsync());
        var bound = 4096 + (8 * 512) + (6 * 12 * 12 * 12);
        Assert.True(memory.Message.Contains($"The run's memory bound {bound} bytes is above the limit 10000", StringComparison.Ordinal), memory.Message);
        Assert.True(memory.Message.Contains("(1 + 5 blocks in flight) × read box (12, 12, 12) of 1728 bytes", StringComparison.Ordinal), memory.Message);

        var noModel = await Assert.ThrowsAsync<ValidationException>(() => EmbeddingPipeline.FromArray(_volume.Array(), "em")
            .OnFailedBlocks(BlockFailurePolicy.Quarantine).BuildAsync());
        Assert.Contains("No model", noModel.Message, StringComparison.Ordinal);
        Assert.Contains("No store", noModel.Message, StringComparison.Ordinal);
        Assert.Contains("no quarantine is set", noModel.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_blocks_are_skipped_unread_counted_and_done()
    {
        // Only the first 8³ chunk holds data: with blocks of 8 and a halo of 2 every block but those touching it is empty.
        var volume = new ReferenceVolume(Shape, Index3.All(8), VoxelType.UInt8, (z, y, x) => z < 8 && y < 8 && x < 8 ? 7 : 0);
        var array = volume.Array();
        array.DropFillChunks();
        var model = new MeanMaxModel();
        using var metrics = new MetricRecorder();
        VolumePipelineBuilder Build() => EmbeddingPipeline.FromArray(array, "sparse")
            .Blocks(b => b.Size(8).Halo(2).SkipEmpty())
            .Embed(model)
            .ToLance(_db.Path, "sparse")
            .UseMeterFactory(metrics);

        var result = await Build().RunAsync();
        Assert.Equal(PipelineOutcome.Completed, result.Outcome);

        // Blocks whose read box [start − 2, stop + 2) reaches into chunk (0, 0, 0): grid indices 0 or 1 on every axis.
        Assert.Equal(8, result.BlocksCompleted);
        Assert.Equal(19, result.BlocksSkipped);
        Assert.Equal(19, result.Pipeline.RecordsWithoutRows);
        Assert.Equal(8, model.BlocksEncoded);
        Assert.Equal(8, metrics.Sum("connectomics.volume.blocks.completed"));
        Assert.Equal(8, metrics.Count("connectomics.volume.block.duration"));
        Assert.Equal(19, metrics.Sum("connectomics.volume.blocks.skipped", "reason", "empty"));
        var rows = await TableRows.ReadAsync(_db.Path, "sparse");
        Assert.Equal(8, rows.Count);

        var again = await Build().RunAsync();
        Assert.Equal(PipelineOutcome.AlreadyComplete, again.Outcome);
        Assert.Equal(8, model.BlocksEncoded);
    }

    [Fact]
    public async Task Two_shards_take_disjoint_contiguous_morton_ranges_and_together_every_row_once()
    {
        var all = new List<string>();
        var ordinals = new List<List<int>>();
        for (var shard = 0; shard < 2; shard++)
        {
            var pipeline = await EmbeddingPipeline.FromArray(_volume.Array(), "em")
                .Blocks(b => b.Size(8).Halo(2))
                .Embed(new MeanMaxModel(), e => e.PerCell(4))
                .ToLance(_db.Path, "sharded")
                .AsShard(new Chunks.ShardAssignment(shard, 2))
                .BuildAsync();
            var plan = await ((Chunks.IChunkSource<VolumeBlock>)pipeline.Source).PlanAsync(new Chunks.ShardAssignment(shard, 2));
            ordinals.Add([.. plan.Units.Select(u => u.Ordinal)]);
            var result = await pipeline.RunAsync();
            Assert.Equal(PipelineOutcome.Completed, result.Outcome);
            Assert.Equal(plan.Units.Count, result.BlocksCompleted);
        }

        Assert.All(ordinals, o => Assert.Equal(Enumerable.Range(o[0], o.Count), o));
        Assert.Equal(Enumerable.Range(0, 27), ordinals[0].Concat(ordinals[1]));
        Assert.NotEmpty(ordinals[0]);
        Assert.NotEmpty(ordinals[1]);

        var single = await EmbeddingPipeline.FromArray(_volume.Array(), "em")
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(new MeanMaxModel(), e => e.PerCell(4))
            .ToLance(_db.Path, "single")
            .RunAsync();
        var sharded = await TableRows.ReadAsync(_db.Path, "sharded");
        var whole = await TableRows.ReadAsync(_db.Path, "single");
        AssertSameTable(whole, sharded);
    }

    [Fact]
    public async Task A_cancelled_run_resumes_to_the_table_an_uninterrupted_run_writes()
    {
        await EmbeddingPipeline.FromArray(_volume.Array(), "em")
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(new MeanMaxModel(), e => e.PerCell(4))
            .ToLance(_db.Path, "whole")
            .RunAsync();

        using var stop = new CancellationTokenSource();
        var model = new MeanMaxModel { AfterBlock = n => { if (n == 11) { stop.Cancel(); } } };
        VolumePipelineBuilder Build() => EmbeddingPipeline.FromArray(_volume.Array(), "em")
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(model, e => e.PerCell(4))
            .ToLance(_db.Path, "resumed")
            .CheckpointEvery(TimeSpan.FromHours(1), blocks: 4);
        var first = await Build().RunAsync(null, stop.Token);
        Assert.Equal(PipelineOutcome.Cancelled, first.Outcome);
        Assert.True(first.Pipeline.RecordsRead < 27, $"{first.Pipeline.RecordsRead} blocks read before the cancellation took effect.");

        model.AfterBlock = null;
        var second = await Build().RunAsync();
        Assert.Equal(PipelineOutcome.Completed, second.Outcome);
        Assert.True(second.Pipeline.Resumed);
        Assert.True(first.Pipeline.Commits > 0, "The cancelled run committed nothing.");
        Assert.True(second.BlocksCompleted < 27, "The resumed run embedded every block again.");

        AssertSameTable(await TableRows.ReadAsync(_db.Path, "whole"), await TableRows.ReadAsync(_db.Path, "resumed"));
    }

    [Fact]
    public async Task Resuming_with_another_normalisation_block_size_or_array_is_refused_naming_the_setting()
    {
        VolumePipelineBuilder Start(Func<Arrays.IChunkedArray> array, long block, float scale) => EmbeddingPipeline.FromArray(array(), "em")
            .Blocks(b => b.Size(block).Halo(2))
            .Embed(new MeanMaxModel(), e => e.Normalize(scale, 0))
            .ToLance(_db.Path, "guarded");

        Func<Arrays.IChunkedArray> same = _volume.Array;
        await Start(same, 8, 1 / 255f).RunAsync();

        var normalisation = await Assert.ThrowsAsync<PipelineResumeConflictException>(() => Start(same, 8, 1 / 128f).RunAsync());
        Assert.Contains("the source setting 'normalization'", normalisation.Message, StringComparison.Ordinal);

        var blocks = await Assert.ThrowsAsync<PipelineResumeConflictException>(() => Start(same, 4, 1 / 255f).RunAsync());
        Assert.Contains("the source setting 'block.size' recorded (8, 8, 8), now (4, 4, 4)", blocks.Message, StringComparison.Ordinal);

        Func<Arrays.IChunkedArray> other = () => ReferenceVolume.UInt8(new Index3(20, 18, 24), Index3.All(8)).Array();
        var volume = await Assert.ThrowsAsync<PipelineResumeConflictException>(() => Start(other, 8, 1 / 255f).RunAsync());
        Assert.Contains("the source setting 'volume' recorded em shape [20, 18, 22]", volume.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_chunk_fails_the_run_naming_the_chunk_key()
    {
        var array = _volume.Array();
        array.Corrupt.Add("c/1/1/1");
        var error = await Assert.ThrowsAsync<BadRecordException>(() => EmbeddingPipeline.FromArray(array, "em")
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(new MeanMaxModel())
            .ToLance(_db.Path, "failing")
            .RunAsync());

        Assert.Contains("c/1/1/1", error.Message, StringComparison.Ordinal);
        Assert.Equal("c/1/1/1", error.File);
    }

    [Fact]
    public async Task A_quarantined_block_is_written_with_its_boxes_and_chunk_key_and_a_resumed_run_embeds_it_once()
    {
        var array = _volume.Array();
        array.Corrupt.Add("c/2/2/2");
        var quarantine = new ParquetQuarantine(Path.Combine(_db.Path, "quarantine"));
        var model = new MeanMaxModel();
        VolumePipelineBuilder Build() => EmbeddingPipeline.FromArray(array, "em")
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(model)
            .ToLance(_db.Path, "quarantined")
            .OnFailedBlocks(BlockFailurePolicy.Quarantine, quarantine);

        var first = await Build().RunAsync();
        Assert.Equal(PipelineOutcome.Completed, first.Outcome);

        // Chunk (2, 2, 2) holds z, y, x from 16 on: the read boxes [8 − 2, 16 + 2) of the blocks before it reach it too,
        // so the 8 blocks with grid indices 1 or 2 on every axis fail.
        Assert.Equal(8, first.BlocksFailed);
        Assert.Equal(8, first.RetryPending);
        Assert.Equal(19, first.BlocksCompleted);
        var file = quarantine.PathFor("default", Chunks.ShardAssignment.Single, "blocks/26", 0);
        using (var reader = new ParquetFileReader(file))
        using (var group = reader.RowGroup(0))
        {
            string?[] Column(string name)
            {
                var index = Enumerable.Range(0, reader.FileMetaData.Schema.NumColumns).Single(i => reader.FileMetaData.Schema.Column(i).Name == name);
                using var column = group.Column(index).LogicalReader<string?>();
                return column.ReadAll((int)group.MetaData.NumRows);
            }

            Assert.Equal("b26", Column("id").Single());
            Assert.Equal("c/2/2/2", Column("file").Single());
            var reason = Column("reason").Single()!;
            Assert.Contains("write box [16:20, 16:18, 16:22]", reason, StringComparison.Ordinal);
            Assert.Contains("read box [14:22, 14:20, 14:24]", reason, StringComparison.Ordinal);
            Assert.Contains("chunk c/2/2/2", reason, StringComparison.Ordinal);
        }

        Assert.Equal(8, Directory.EnumerateFiles(quarantine.Location, "*.parquet", SearchOption.AllDirectories).Count());
        Assert.DoesNotContain("b26", (await TableRows.ReadAsync(_db.Path, "quarantined")).Keys);

        array.Corrupt.Clear();
        var second = await Build().RunAsync();
        Assert.Equal(8, second.BlocksCompleted);
        Assert.Equal(0, second.RetryPending);
        Assert.Equal(27, model.BlocksEncoded);
        var rows = await TableRows.ReadAsync(_db.Path, "quarantined");
        Assert.Equal(27, rows.Count);
        VolumePipelineRowsTests.AssertVector(_volume.Vector(new Box3(new Index3(16, 16, 16), Shape), second.Normalization), rows["b26"].Vector);
    }

    [Fact]
    public async Task The_official_LanceDB_client_reads_the_table_with_the_volume_columns()
    {
        await EmbeddingPipeline.FromArray(_volume.Array(), "em/s0")
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(new MeanMaxModel())
            .ToLance(_db.Path, "official")
            .RunAsync();

        var official = await LanceDbNode.RunAsync("""
            const table = await (await lancedb.connect(args[0])).openTable('official');
            const schema = await table.schema();
            const rows = rowsOf(await table.query().toArrow());
            emit({ fields: schema.fields.map(f => f.name + ':' + f.type.toString()), count: rows.length, row: rows.find(r => r.id === 'b13') });
            """, _db.Path);

        Assert.Equal(
            ["id:Utf8", "block_id:Int64", "level:Int32", "z0:Int64", "y0:Int64", "x0:Int64", "z1:Int64", "y1:Int64", "x1:Int64",
             "cz:Float64", "cy:Float64", "cx:Float64", "source:Utf8", "filled:Float32", "vector:FixedSizeList[2]<Float32>"],
            official.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(27, official.GetProperty("count").GetInt32());
        var row = official.GetProperty("row");
        Assert.Equal("13", row.GetProperty("block_id").GetString());
        Assert.Equal("8", row.GetProperty("z0").GetString());
        Assert.Equal(12.0, row.GetProperty("cz").GetDouble());
        Assert.Equal("em/s0", row.GetProperty("source").GetString());
    }

    private static void AssertSameTable(
        SortedDictionary<string, (Dictionary<string, object?> Values, float[] Vector)> expected,
        SortedDictionary<string, (Dictionary<string, object?> Values, float[] Vector)> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (id, (values, vector)) in expected)
        {
            Assert.Equal(values, actual[id].Values);
            Assert.Equal(vector, actual[id].Vector);
        }
    }

}
