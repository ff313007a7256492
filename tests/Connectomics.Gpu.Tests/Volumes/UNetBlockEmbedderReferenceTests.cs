using System.Globalization;
using System.Text.Json;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tests.Models.UNet;
using Connectomics.Gpu.Volumes;
using Connectomics.Testing;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Gpu.Tests.Volumes;

/// <summary>Vectors pooled block by block equal what the PyTorch reference of funlib's U-Net pools from one pass over
/// the whole volume padded by NumPy (<c>unet_reference.py pool</c>, Debian's python3-torch), from the same weights.</summary>
public sealed class UNetBlockEmbedderReferenceTests
{
    public UNetBlockEmbedderReferenceTests() => TorchRuntime.EnsureApplied();

    public static TheoryData<string, VoxelType, int[]> Cases => new()
    {
        { "tiny", VoxelType.UInt8, [16, 20, 24] },
        { "uneven", VoxelType.Int16, [20, 24, 27] },
        { "projected", VoxelType.Float32, [12, 14, 16] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Pooled_rows_match_the_pytorch_reference(string network, VoxelType type, int[] blockSize)
    {
        using var model = network switch
        {
            "tiny" => UNet3dModel.FromPreset("tiny", seed: 0),
            "uneven" => UNet3dModel.FromConfig(UNetBlockEmbedderExactnessTests.Uneven, seed: 0),
            _ => UNet3dModel.FromSafetensors(UNetFixture.PathOf("projected")),
        };
        using var directory = new TempDirectory("unet-pool");
        model.SavePretrained(directory.Path);

        var shape = new Index3(30, 36, 40);
        var volume = SyntheticVolume.Random(type, model.InChannels, shape, seed: 7);
        var normalization = type switch
        {
            VoxelType.UInt8 => VoxelNormalization.Explicit(1 / 255f, -0.5f),
            VoxelType.Int16 => VoxelNormalization.Explicit(1 / 8192f, 0.25f),
            _ => VoxelNormalization.Explicit(0.02f, -0.1f),
        };

        var d = model.FeatureChannels;
        var results = new Dictionary<VoxelPooling, List<float>>();
        var boxes = new List<Box3>();
        foreach (var pooling in new[] { VoxelPooling.Mean, VoxelPooling.Max })
        {
            using var embedder = new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions { Pooling = pooling, Tiling = new UNet3dTiling { OutputTileSize = VoxelExtent.Cube(12) } });
            var blocks = volume.WriteBoxes(new Index3(blockSize[0], blockSize[1], blockSize[2]))
                .Select((box, id) => volume.Block(embedder, id, box, Index3.Zero, normalization, BlockRowsByHand.Make(id, box, cell: 10)))
                .ToList();
            var vectors = await embedder.EncodeAsync([.. blocks.Select(embedder.Prepare)]);
            results[pooling] = [.. vectors.SelectMany(v => v.ToArray())];
            if (boxes.Count == 0)
            {
                boxes.AddRange(blocks.SelectMany(b => b.Rows).Select(r => r.Box));
            }
        }

        var (mean, max) = await RunReferenceAsync(directory.Path, model, volume, normalization, boxes);
        Assert.Equal(boxes.Count * d, mean.Length);
        var nonZero = mean.Count(v => v != 0) / (double)mean.Length;
        Assert.True(nonZero > 0.2, $"only {nonZero:P0} of the reference values are non-zero: the comparison would say little");
        UNetAssert.Close(mean, results[VoxelPooling.Mean].ToArray(), 1e-4, $"{network} {type} mean");
        UNetAssert.Close(max, results[VoxelPooling.Max].ToArray(), 1e-4, $"{network} {type} max");
    }

    private static async Task<(float[] Mean, float[] Max)> RunReferenceAsync(
        string modelDirectory, UNet3dModel model, SyntheticVolume volume, VoxelNormalization normalization, List<Box3> boxes)
    {
        var work = modelDirectory;
        var volumeFile = Path.Combine(work, "volume.bin");
        var rowsFile = Path.Combine(work, "rows.json");
        var meanFile = Path.Combine(work, "mean.f32");
        var maxFile = Path.Combine(work, "max.f32");
        await File.WriteAllBytesAsync(volumeFile, volume.Raw.ToArray());
        await File.WriteAllTextAsync(rowsFile, JsonSerializer.Serialize(boxes.Select(b => new[] { b.Start.Z, b.Start.Y, b.Start.X, b.Stop.Z, b.Stop.Y, b.Stop.X })));

        // Padding: the context before; after, the context plus what makes the output a size the network produces.
        var geometry = model.Geometry;
        var shape = volume.Shape;
        var total = new VoxelExtent(
            (int)shape.Z + geometry.Context.Z + geometry.ContextAfter.Z, (int)shape.Y + geometry.Context.Y + geometry.ContextAfter.Y, (int)shape.X + geometry.Context.X + geometry.ContextAfter.X);
        var input = geometry.GetValidInputSizeAtLeast(total);
        string Csv(params long[] values) => string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
        var (exitCode, stdout, stderr) = await DebianPython.RunAsync(
            "the U-Net reference needs Debian's Python with PyTorch: apt-get install python3-torch python3-numpy",
            [
                UNetReferenceScript.Script, "pool", "--model", modelDirectory, "--volume", volumeFile,
                "--dtype", volume.Type.ToString().ToLowerInvariant(), "--shape", Csv(volume.Channels, shape.Z, shape.Y, shape.X),
                "--scale", normalization.Scale.ToString("R", CultureInfo.InvariantCulture), "--shift", normalization.Shift.ToString("R", CultureInfo.InvariantCulture),
                "--pad-before", Csv(geometry.Context.Z, geometry.Context.Y, geometry.Context.X),
                "--pad-after", Csv(input.Z - shape.Z - geometry.Context.Z, input.Y - shape.Y - geometry.Context.Y, input.X - shape.X - geometry.Context.X),
                "--rows", rowsFile, "--out-mean", meanFile, "--out-max", maxFile,
            ]);
        Assert.True(exitCode == 0, $"{UNetReferenceScript.Script} pool exited with {exitCode}:\n{stderr}\n{stdout}");
        return (await ReadFloatsAsync(meanFile), await ReadFloatsAsync(maxFile));
    }

    private static async Task<float[]> ReadFloatsAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
