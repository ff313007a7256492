using System.Runtime.InteropServices;
using System.Text.Json;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Ome;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Ome;

/// <summary>
/// OME-Zarr images written here (0.5 sharded on Zarr v3, 0.4 on Zarr v2 with channels), with mean pyramids, open in
/// <c>@fideus-labs/ngff-zarr</c> 0.14.0 (npm, schema validation on) with the axes, scales and translations written, and
/// their levels read there equal to the values written here and to a 2×2×2 mean computed in the test.
/// </summary>
public sealed class OmeZarrWriterInteropTests
{
    private static string Script => Path.Combine(RepositoryRoot.Path, "tests", "Connectomics.Volumes.Tests", "Ome", "ngff-zarr-read.mjs");

    [Fact]
    public async Task A_sharded_0_5_pyramid_opens_in_ngff_zarr_with_the_axes_scales_and_values_written()
    {
        using var directory = new TempDirectory("ome-zarr-05");
        var axes = new[] { OmeAxis.Spatial("z"), OmeAxis.Spatial("y"), OmeAxis.Spatial("x", "micrometer") };
        var options = new OmeZarrImageOptions
        {
            Version = OmeZarrVersion.V05,
            Name = "em",
            Type = OmeZarrPyramid.Method,
            Axes = axes,
            DataType = VoxelType.UInt8,
            Codecs = [ZarrV3Codec.Bytes(), ZarrV3Codec.Blosc(BloscCompressor.Zstd, 5, BloscShuffle.Bit)],
        };
        foreach (var level in OmeZarrPyramid.PlanLevels(axes, [13, 18, 21], [4, 4, 4], [30, 4, 0.004], 3, shardShape: [8, 8, 8]))
        {
            options.Levels.Add(level);
        }

        var volume = Volume(13 * 18 * 21, seed: 5);
        var levels = await WriteAsync(directory.Path, options, volume, [13, 18, 21], channels: 1);

        using var document = JsonDocument.Parse(await NgffZarrInstall.RunNodeScriptAsync(Script, directory.Path));
        var root = document.RootElement;
        Assert.Equal("0.5", root.GetProperty("version").GetString());
        Assert.Equal("em", root.GetProperty("name").GetString());
        AssertAxes(root, axes);
        var images = root.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(3, images.Count);
        for (var i = 0; i < 3; i++)
        {
            var factor = 1 << i;
            var image = images[i];
            Assert.Equal(["z", "y", "x"], image.GetProperty("dims").EnumerateArray().Select(d => d.GetString()));
            Assert.Equal(30.0 * factor, image.GetProperty("scale").GetProperty("z").GetDouble(), 9);
            Assert.Equal(4.0 * factor, image.GetProperty("scale").GetProperty("y").GetDouble(), 9);
            Assert.Equal(0.004 * factor, image.GetProperty("scale").GetProperty("x").GetDouble(), 9);
            Assert.Equal(i == 0 ? 0 : 30.0 * (factor - 1) / 2, image.GetProperty("translation").GetProperty("z").GetDouble(), 9);
            Assert.Equal(i == 0 ? 0 : 0.004 * (factor - 1) / 2, image.GetProperty("translation").GetProperty("x").GetDouble(), 9);
            Assert.Equal(options.Levels[i].Shape, image.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal("uint8", image.GetProperty("dtype").GetString());
            Assert.True(levels[i].AsSpan().SequenceEqual(Convert.FromBase64String(image.GetProperty("values").GetString()!)), $"level {i} as ngff-zarr reads it differs");
        }

        Assert.Equal("micrometer", images[0].GetProperty("units").GetProperty("x").GetString());

        // Read back here: voxel sizes in nanometres.
        var store = VolumeStore.Open(directory.Path);
        var s2 = await store.OpenArrayAsync("s2");
        Assert.Equal(2, s2.Level);
        Assert.Equal((120d, 16d, 16d), (Math.Round(s2.VoxelSize.Z, 9), Math.Round(s2.VoxelSize.Y, 9), Math.Round(s2.VoxelSize.X, 9)));
        var description = await store.DescribeAsync();
        Assert.Equal([8, 8, 8], description.Arrays[0].ShardShape);
        Assert.Equal([4, 4, 4], description.Arrays[0].ChunkShape);
    }

    [Fact]
    public async Task A_0_4_pyramid_with_channels_opens_in_ngff_zarr_with_the_axes_scales_and_values_written()
    {
        using var directory = new TempDirectory("ome-zarr-04");
        var axes = new[] { new OmeAxis("c", OmeAxis.Channel), OmeAxis.Spatial("z", "angstrom"), OmeAxis.Spatial("y", "angstrom"), OmeAxis.Spatial("x", "angstrom") };
        var options = new OmeZarrImageOptions
        {
            Version = OmeZarrVersion.V04,
            Axes = axes,
            DataType = VoxelType.UInt16,
            Compressor = new BloscCodec(BloscCompressor.Lz4, 5, BloscShuffle.Byte),
        };
        foreach (var level in OmeZarrPyramid.PlanLevels(axes, [2, 9, 10, 11], [1, 4, 4, 4], [1, 400, 40, 40], 2))
        {
            options.Levels.Add(level);
        }

        var volume = Volume(2 * 9 * 10 * 11 * 2, seed: 11);
        var levels = await WriteAsync(directory.Path, options, volume, [2, 9, 10, 11], channels: 2);

        using var document = JsonDocument.Parse(await NgffZarrInstall.RunNodeScriptAsync(Script, directory.Path));
        var root = document.RootElement;
        Assert.Equal("0.4", root.GetProperty("version").GetString());
        AssertAxes(root, axes);
        var images = root.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        for (var i = 0; i < 2; i++)
        {
            var image = images[i];
            Assert.Equal(["c", "z", "y", "x"], image.GetProperty("dims").EnumerateArray().Select(d => d.GetString()));
            Assert.Equal(400.0 * (1 << i), image.GetProperty("scale").GetProperty("z").GetDouble(), 9);
            Assert.Equal(40.0 * (1 << i), image.GetProperty("scale").GetProperty("x").GetDouble(), 9);
            Assert.Equal(options.Levels[i].Shape, image.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal("uint16", image.GetProperty("dtype").GetString());
            Assert.True(levels[i].AsSpan().SequenceEqual(Convert.FromBase64String(image.GetProperty("values").GetString()!)), $"level {i} as ngff-zarr reads it differs");
        }

        var opened = await VolumeStore.Open(directory.Path).OpenArrayAsync();
        Assert.Equal("s0", opened.Name);
        Assert.Equal((40d, 4d, 4d), opened.VoxelSize);
        Assert.Equal(2, new VolumeArray(opened.Array).Channels);
    }

    private static void AssertAxes(JsonElement root, IReadOnlyList<OmeAxis> axes)
    {
        var parsed = root.GetProperty("axes").EnumerateArray().ToList();
        Assert.Equal(axes.Count, parsed.Count);
        for (var i = 0; i < axes.Count; i++)
        {
            Assert.Equal(axes[i].Name, parsed[i].GetProperty("name").GetString());
            Assert.Equal(axes[i].Type, parsed[i].GetProperty("type").GetString());
            if (axes[i].Unit is { } unit)
            {
                Assert.Equal(unit, parsed[i].GetProperty("unit").GetString());
            }
        }
    }

    /// <summary>Deterministic voxels with structure (a gradient plus noise), as bytes.</summary>
    private static byte[] Volume(int bytes, int seed)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Writes level 0 from <paramref name="volume"/>, computes the other levels with the pyramid, and returns
    /// each level's values as the test computes them: level 0 as given, each next one the 2×2×2 mean (of the voxels that
    /// exist, rounded half away from zero) of the one before.</summary>
    private static async Task<List<byte[]>> WriteAsync(string directory, OmeZarrImageOptions options, byte[] volume, long[] shape, int channels)
    {
        var writer = await OmeZarrWriter.CreateAsync(new FileSystemStore(directory), string.Empty, options);
        var level0 = writer.Levels[0];
        var lead = shape.Length - 3;
        var unit = level0.Info.WriteUnitShape;
        var elementSize = options.DataType.ByteSize();
        var grid = shape.Select((extent, axis) => (extent + unit[axis] - 1) / unit[axis]).ToArray();
        foreach (var index in GridIndices(grid))
        {
            var data = new byte[unit.Aggregate(elementSize, (p, e) => p * e)];
            foreach (var inUnit in GridIndices([.. unit.Select(e => (long)e)]))
            {
                var global = index.Select((g, axis) => (g * unit[axis]) + inUnit[axis]).ToArray();
                if (global.Where((g, axis) => g >= shape[axis]).Any())
                {
                    continue;
                }

                var source = Offset(global, shape) * elementSize;
                var target = Offset(inUnit, [.. unit.Select(e => (long)e)]) * elementSize;
                volume.AsSpan((int)source, elementSize).CopyTo(data.AsSpan((int)target));
            }

            await level0.WriteUnitAsync(index, data);
        }

        for (var level = 1; level < writer.Levels.Count; level++)
        {
            await OmeZarrPyramid.DownsampleAsync(writer, level);
        }

        var expected = new List<byte[]> { volume };
        var currentShape = shape;
        for (var level = 1; level < writer.Levels.Count; level++)
        {
            var nextShape = currentShape.Select((e, axis) => axis < lead ? e : (e + 1) / 2).ToArray();
            expected.Add(elementSize == 1
                ? Mean(expected[^1], currentShape, nextShape, lead, channels, v => v, v => (byte)v)
                : MemoryMarshal.AsBytes(Mean(MemoryMarshal.Cast<byte, ushort>(expected[^1]).ToArray(), currentShape, nextShape, lead, channels, v => v, v => (ushort)v).AsSpan()).ToArray());
            currentShape = nextShape;
        }

        // What this package reads back equals the expectation too.
        for (var level = 0; level < writer.Levels.Count; level++)
        {
            var array = new VolumeArray((Arrays.IChunkedArray)writer.Levels[level]);
            var levelShape = writer.Levels[level].Info.Shape;
            var box = Box3.FromShape(new Index3(levelShape[lead], levelShape[lead + 1], levelShape[lead + 2]));
            var read = elementSize == 1
                ? (await array.ReadAsync<byte>(box)).Data.ToArray()
                : MemoryMarshal.AsBytes((await array.ReadAsync<ushort>(box)).Data.Span).ToArray();
            Assert.True(expected[level].AsSpan().SequenceEqual(read), $"level {level} read here differs from the test's mean");
        }

        return expected;
    }

    private static T[] Mean<T>(T[] source, long[] shape, long[] next, int lead, int channels, Func<T, double> toDouble, Func<double, T> fromDouble)
    {
        var result = new T[next.Aggregate(1L, (p, e) => p * e)];
        foreach (var index in GridIndices(next))
        {
            var sum = 0.0;
            var count = 0;
            foreach (var delta in GridIndices([.. Enumerable.Repeat(2L, 3)]))
            {
                var fine = index.Select((v, axis) => axis < lead ? v : (2 * v) + delta[axis - lead]).ToArray();
                if (fine.Where((v, axis) => v >= shape[axis]).Any())
                {
                    continue;
                }

                sum += toDouble(source[Offset(fine, shape)]);
                count++;
            }

            result[Offset(index, next)] = fromDouble(Math.Round(sum / count, MidpointRounding.AwayFromZero));
        }

        return result;
    }

    private static long Offset(long[] index, long[] shape)
    {
        var offset = 0L;
        for (var axis = 0; axis < shape.Length; axis++)
        {
            offset = (offset * shape[axis]) + index[axis];
        }

        return offset;
    }

    private static IEnumerable<long[]> GridIndices(long[] grid)
    {
        var index = new long[grid.Length];
        if (grid.Any(g => g == 0))
        {
            yield break;
        }

        while (true)
        {
            yield return (long[])index.Clone();
            var axis = grid.Length - 1;
            while (axis >= 0 && ++index[axis] == grid[axis])
            {
                index[axis] = 0;
                axis--;
            }

            if (axis < 0)
            {
                yield break;
            }
        }
    }
}
