using Connectomics.Pipelines;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Ome;
using Connectomics.Volumes.Pipelines;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Pipelines;

public sealed class VolumePipelineSourcesTests : IDisposable
{
    private readonly TempDirectory _directory = new("volume-pipeline-sources");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task An_ome_zarr_store_gives_the_level_name_and_centres_in_nanometres()
    {
        var volume = ReferenceVolume.UInt8(new Index3(8, 8, 8), Index3.All(8));
        var root = Path.Combine(_directory.Path, "em.zarr");
        var options = new OmeZarrImageOptions { Name = "em" };
        foreach (var level in OmeZarrPyramid.PlanLevels(options.Axes, [8, 8, 8], [8, 8, 8], [30, 8, 4], 1))
        {
            options.Levels.Add(level);
        }

        var writer = await OmeZarrWriter.CreateAsync(new FileSystemStore(root), string.Empty, options);
        await writer.Levels[0].WriteUnitAsync(new long[] { 0, 0, 0 }, volume.Bytes);

        var database = Path.Combine(_directory.Path, "db");
        var result = await EmbeddingPipeline.FromZarr(root)
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(new MeanMaxModel())
            .ToLance(database, "ome")
            .RunAsync();

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        var (values, vector) = (await TableRows.ReadAsync(database, "ome"))["b0"];
        Assert.Equal("s0", values["source"]);
        Assert.Equal(4 * 30.0, values["cz"]);
        Assert.Equal(4 * 8.0, values["cy"]);
        Assert.Equal(4 * 4.0, values["cx"]);
        VolumePipelineRowsTests.AssertVector(volume.Vector(Box3.FromShape(volume.Shape), result.Normalization), vector);

        var wrongFormat = await Assert.ThrowsAsync<ArgumentException>(() => EmbeddingPipeline.FromPrecomputed(root)
            .Embed(new MeanMaxModel())
            .ToLance(database, "other")
            .BuildAsync());
        Assert.Contains("FromZarr", wrongFormat.Message, StringComparison.Ordinal);
    }
}
