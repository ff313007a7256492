using System.Text;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Ome;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V2;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Ome;

/// <summary>OME-Zarr metadata read tolerantly where files in the wild differ harmlessly, and refused by field and file
/// where they are malformed; the writer's options checked up front.</summary>
public sealed class OmeMetadataTests
{
    private static async Task<MemoryStore> V2ImageAsync(string zattrs, params long[][] shapes)
    {
        var store = new MemoryStore("memory:ome");
        for (var i = 0; i < shapes.Length; i++)
        {
            await ZarrV2Array.CreateAsync(store, $"s{i}", new ZarrV2ArrayOptions { Shape = shapes[i], Chunks = [.. shapes[i].Select(e => (int)Math.Max(1, e))], DataType = VoxelType.UInt8 });
        }

        await store.PutAsync(".zgroup", Encoding.UTF8.GetBytes("""{"zarr_format": 2}"""));
        await store.PutAsync(".zattrs", Encoding.UTF8.GetBytes(zattrs));
        return store;
    }

    [Theory]
    [InlineData("""{"multiscales": {"axes": []}}""", "field 'multiscales'")]
    [InlineData("""{"multiscales": [{"axes": ["z", "y", "x"]}]}""", "field 'multiscales[0].datasets'")]
    [InlineData("""{"multiscales": [{"datasets": [{"path": "s0"}]}]}""", "field 'multiscales[0].axes'")]
    [InlineData("""{"multiscales": [{"axes": [{"name": "z"}, {"type": "space"}, {"name": "x"}], "datasets": [{"path": "s0"}]}]}""", "field 'multiscales[0].axes[1].name'")]
    [InlineData("""{"multiscales": [{"axes": ["z", "y", "z"], "datasets": [{"path": "s0"}]}]}""", "repeats the axis name 'z'")]
    [InlineData("""{"multiscales": [{"axes": ["z", "y", "x"], "datasets": [{"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [1, 2]}]}]}]}""", "field 'multiscales[0].datasets[0].coordinateTransformations[0].scale'")]
    [InlineData("""{"multiscales": [{"axes": ["z", "y", "x"], "datasets": [{"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [1, -2, 3]}]}]}]}""", "not a positive number")]
    [InlineData("""{"multiscales": [{"axes": ["z", "y", "x"], "datasets": [{"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [1, "2", 3]}]}]}]}""", "field 'multiscales[0].datasets[0].coordinateTransformations[0].scale[1]'")]
    [InlineData("""{"multiscales": [{"axes": ["z", "y", "x"], "datasets": [{"coordinateTransformations": []}]}]}""", "field 'multiscales[0].datasets[0].path'")]
    [InlineData("""{"multiscales": [{"axes": [{"name": "z", "unit": 5}, "y", "x"], "datasets": [{"path": "s0"}]}]}""", "field 'multiscales[0].axes[0].unit'")]
    public async Task Malformed_0_4_metadata_is_refused_naming_the_field_and_the_file(string zattrs, string field)
    {
        var store = await V2ImageAsync(zattrs, [4, 4, 4]);
        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => VolumeStore.Open(store).OpenArrayAsync());
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains("memory:ome/.zattrs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_0_5_metadata_is_refused_naming_the_field_and_the_file()
    {
        var store = new MemoryStore("memory:ome5");
        await ZarrV3Group.CreateAsync(store, string.Empty, JsonNode.Parse("""{"ome": {"multiscales": [{"axes": ["z", "y", "x"], "datasets": [{"path": "0"}]}]}}""")!.AsObject());
        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => VolumeStore.Open(store).DescribeAsync());
        Assert.Contains("'ome.version'", error.Message, StringComparison.Ordinal);
        Assert.Contains("memory:ome5/zarr.json", error.Message, StringComparison.Ordinal);

        await ZarrV3Group.CreateAsync(store, string.Empty, JsonNode.Parse("""{"ome": {"version": "0.5", "multiscales": [{"axes": ["z", "y", "x"], "datasets": [{"path": "0", "coordinateTransformations": [{"type": "affine", "affine": []}]}]}]}}""")!.AsObject());
        var unsupported = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(() => VolumeStore.Open(store).DescribeAsync());
        Assert.Contains("affine", unsupported.Message, StringComparison.Ordinal);
        Assert.Contains("ome.multiscales[0].datasets[0].coordinateTransformations[0]", unsupported.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Older_files_without_version_units_or_transformations_read_with_their_scale_as_written()
    {
        // OME-Zarr 0.3 style: axes as names, no version, one level without transformations, one with a scale only.
        var store = await V2ImageAsync("""
            {"multiscales": [{"axes": ["z", "y", "x"], "datasets": [{"path": "s0"}, {"path": "s1", "coordinateTransformations": [{"type": "identity"}, {"type": "scale", "scale": [2, 2, 2]}]}]}]}
            """, [4, 4, 4], [2, 2, 2]);
        var image = await OmeZarrImage.OpenAsync(store);
        var multiscale = image.Multiscales.Single();
        Assert.Equal("0.4", multiscale.Version);
        Assert.True(multiscale.Axes.All(a => a.IsSpatial && a.Type is null && a.Unit is null));
        Assert.Equal((1d, 1d, 1d, "unspecified"), multiscale.VoxelSizeOf(0));
        Assert.Equal((2d, 2d, 2d, "unspecified"), multiscale.VoxelSizeOf(1));
        var level1 = await VolumeStore.Open(store).OpenArrayAsync("s1");
        Assert.Equal((1, (2d, 2d, 2d), "unspecified"), (level1.Level, level1.VoxelSize, level1.Unit));
    }

    [Fact]
    public async Task A_level_whose_rank_differs_from_the_axes_is_refused_naming_both()
    {
        var store = await V2ImageAsync("""{"multiscales": [{"version": "0.4", "axes": ["c", "z", "y", "x"], "datasets": [{"path": "s0"}]}]}""", [4, 4, 4]);
        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => VolumeStore.Open(store).OpenArrayAsync());
        Assert.Contains("memory:ome/s0", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 dimensions", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 axes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_that_are_not_volumes_are_refused_by_name()
    {
        var twoLeading = await V2ImageAsync("""
            {"multiscales": [{"version": "0.4", "axes": [{"name": "t", "type": "time"}, {"name": "c", "type": "channel"}, "z", "y", "x"], "datasets": [{"path": "s0"}]}]}
            """, [3, 2, 4, 4, 4]);
        var error = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(() => VolumeStore.Open(twoLeading).OpenArrayAsync());
        Assert.Contains("(t, c, z, y, x)", error.Message, StringComparison.Ordinal);

        var channelLast = await V2ImageAsync("""
            {"multiscales": [{"version": "0.4", "axes": ["z", "y", "x", {"name": "c", "type": "channel"}], "datasets": [{"path": "s0"}]}]}
            """, [4, 4, 4, 3]);
        var order = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(() => VolumeStore.Open(channelLast).OpenArrayAsync());
        Assert.Contains("axis order", order.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writer_options_are_checked_up_front_listing_every_failure()
    {
        var options = new OmeZarrImageOptions
        {
            Version = OmeZarrVersion.V04,
            Axes = [new OmeAxis("c", OmeAxis.Channel), OmeAxis.Spatial("z"), OmeAxis.Spatial("y", "parsecs"), OmeAxis.Spatial("x")],
        };
        options.Levels.Add(new OmeZarrLevel { Path = "s0", Shape = [1, 4, 4], ChunkShape = [1, 4, 4, 4], ShardShape = [1, 4, 4, 4], Scale = [1, 1, 0, 1] });
        options.Levels.Add(new OmeZarrLevel { Path = "s0", Shape = [1, 2, 2, 2], ChunkShape = [1, 2, 2, 2], Scale = [1, 2, 2, 2] });
        var store = new MemoryStore();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => OmeZarrWriter.CreateAsync(store, string.Empty, options));
        foreach (var part in new[] { "'parsecs'", "Levels[0].Shape", "Levels[0].ShardShape", "Levels[0].Scale", "Levels[1].Path 's0'" })
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, store.Count);
    }
}
