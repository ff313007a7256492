using System.Text.Json;
using Connectomics.Gpu.Models.UNet;

namespace Connectomics.Gpu.Tests.Models.UNet;

/// <summary>A checkpoint, input and output written by <c>tools/fixtures/unet_reference.py generate</c>.</summary>
internal sealed record UNetFixture(
    string Directory,
    int[] InputShape,
    int[] OutputShape,
    float[] Input,
    float[] Output,
    double Tolerance,
    IReadOnlyList<(string Name, long[] Shape)> StateDict)
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "unet", name);

    public VoxelExtent InputSize => new(InputShape[1], InputShape[2], InputShape[3]);

    public static UNetFixture Load(string name)
    {
        var directory = PathOf(name);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "case.json")));
        var root = json.RootElement;
        Assert.Equal("connectomics.unet-case/1", root.GetProperty("schema").GetString());
        Assert.Equal("uint8 u, value = (u - 128) / 64", root.GetProperty("input_encoding").GetString());
        var raw = File.ReadAllBytes(Path.Combine(directory, "input.u8"));
        var input = new float[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            input[i] = (raw[i] - 128f) / 64f;
        }

        var outputBytes = File.ReadAllBytes(Path.Combine(directory, "output.f32"));
        var output = new float[outputBytes.Length / 4];
        Buffer.BlockCopy(outputBytes, 0, output, 0, outputBytes.Length);
        var stateDict = root.GetProperty("state_dict").EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(v => v.GetInt64()).ToArray()))
            .ToList();
        var inputShape = Ints(root, "input_shape");
        var outputShape = Ints(root, "output_shape");
        Assert.Equal(inputShape.Aggregate(1L, (a, b) => a * b), input.Length);
        Assert.Equal(outputShape.Aggregate(1L, (a, b) => a * b), output.Length);
        return new UNetFixture(directory, inputShape, outputShape, input, output, root.GetProperty("tolerance").GetDouble(), stateDict);
    }

    private static int[] Ints(JsonElement root, string name) => [.. root.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];
}
