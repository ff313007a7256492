using System.Diagnostics;
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
    private const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(RepositoryRoot.Path, "tools", "fixtures", "unet_reference.py");

    public static async Task<UNetReferenceRun> RunAsync(string modelDirectory, float[] input, int[] shape, string workDirectory)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing; the U-Net reference needs Debian's Python with PyTorch: apt-get install python3-torch python3-numpy");
        var inputFile = Path.Combine(workDirectory, "input.f32");
        var outputFile = Path.Combine(workDirectory, "output.f32");
        var reportFile = Path.Combine(workDirectory, "report.json");
        var bytes = new byte[input.Length * 4];
        Buffer.BlockCopy(input, 0, bytes, 0, bytes.Length);
        await File.WriteAllBytesAsync(inputFile, bytes);

        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     Script, "run", "--model", modelDirectory, "--input", inputFile,
                     "--shape", string.Join(',', shape.Select(v => v.ToString(CultureInfo.InvariantCulture))), "--out", outputFile, "--report", reportFile,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{Script} run exited with {process.ExitCode}:\n{await stderr}\n{await stdout}");

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
