using System.Globalization;
using System.Text.Json;
using Connectomics.Testing;

namespace Connectomics.Gpu.Tests.Models.UNet;

/// <summary>What <c>unet_reference.py run</c> computed.</summary>
internal sealed record UNetReferenceRun(int[] OutputShape, float[] Output, IReadOnlyList<(string Name, long[] Shape)> StateDict);

/// <summary>Runs <c>tools/fixtures/unet_reference.py run</c>, the PyTorch reference of funlib's U-Net, under Debian's
/// Python as a separate process on a saved model and an input.</summary>
internal static class UNetReferenceScript
{
    public static string Script => Path.Combine(RepositoryRoot.Path, "tools", "fixtures", "unet_reference.py");

    public static async Task<UNetReferenceRun> RunAsync(string modelDirectory, float[] input, int[] shape, string workDirectory)
    {
        var inputFile = Path.Combine(workDirectory, "input.f32");
        var outputFile = Path.Combine(workDirectory, "output.f32");
        var reportFile = Path.Combine(workDirectory, "report.json");
        var bytes = new byte[input.Length * 4];
        Buffer.BlockCopy(input, 0, bytes, 0, bytes.Length);
        await File.WriteAllBytesAsync(inputFile, bytes);

        var (exitCode, stdout, stderr) = await DebianPython.RunAsync(
            "the U-Net reference needs Debian's Python with PyTorch: apt-get install python3-torch python3-numpy",
            [
                Script, "run", "--model", modelDirectory, "--input", inputFile,
                "--shape", string.Join(',', shape.Select(v => v.ToString(CultureInfo.InvariantCulture))), "--out", outputFile, "--report", reportFile,
            ]);
        Assert.True(exitCode == 0, $"{Script} run exited with {exitCode}:\n{stderr}\n{stdout}");

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(reportFile));
        var root = report.RootElement;
        Assert.Equal("connectomics.unet-report/1", root.GetProperty("schema").GetString());
        var outputBytes = await File.ReadAllBytesAsync(outputFile);
        var output = new float[outputBytes.Length / 4];
        Buffer.BlockCopy(outputBytes, 0, output, 0, outputBytes.Length);
        return new UNetReferenceRun(
            [.. root.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32())],
            output,
            [.. root.GetProperty("state_dict").EnumerateArray().Select(e => (e[0].GetString()!, e[1].EnumerateArray().Select(v => v.GetInt64()).ToArray()))]);
    }
}
