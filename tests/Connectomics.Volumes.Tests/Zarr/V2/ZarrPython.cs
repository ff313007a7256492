using System.Diagnostics;
using System.Text.Json;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>
/// Runs <c>tools/fixtures/zarr_v2_interop.py</c> under Debian's Python with zarr-python 2 and numcodecs (C-Blosc): the
/// independent implementation the Zarr v2 tests compare with.
/// </summary>
internal static class ZarrPython
{
    private const string Python = "/usr/bin/python3";
    private const string Install = "apt-get install -y python3-zarr python3-numcodecs python3-numpy";

    public static string Script => Path.Combine(RepositoryRoot.Path, "tools", "fixtures", "zarr_v2_interop.py");

    /// <summary>Has zarr-python write its cases under <paramref name="directory"/>; returns the manifest.</summary>
    public static JsonDocument Write(string directory)
    {
        Run("write", directory);
        return JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "manifest.json")));
    }

    /// <summary>Has zarr-python read the arrays a manifest lists; returns what it saw (<c>results</c>).</summary>
    public static JsonDocument Read(string manifestPath)
    {
        Run("read", manifestPath);
        return JsonDocument.Parse(File.ReadAllBytes(manifestPath[..^".json".Length] + ".read.json"));
    }

    private static void Run(string command, string argument)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing; the Zarr v2 tests need Debian's Python with zarr-python: {Install}");
        using (var probe = Start("-c", "import zarr, numcodecs, numpy"))
        {
            probe.WaitForExit();
            Assert.True(probe.ExitCode == 0, $"zarr-python is not importable by {Python} ({probe.StandardError.ReadToEnd().Trim()}); install it: {Install}");
        }

        using var process = Start(Script, command, argument);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Script} {command} ran for over 3 minutes.");
        }

        Assert.True(process.ExitCode == 0, $"{Script} {command} exited with {process.ExitCode}:\n{stderr.Result}\n{stdout.Result}");
    }

    private static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
