using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Connectomics.Gpu.Tests.Runtime;

/// <summary>Runs <c>Connectomics.RuntimeProbeProcess</c> (see its Program.cs for the modes) as a separate OS process
/// and parses the JSON it prints.</summary>
internal static class RuntimeProbeProcess
{
    private static string Dll
    {
        get
        {
            var configuration = typeof(RuntimeProbeProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            return Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.RuntimeProbeProcess", configuration.ToLowerInvariant(), "Connectomics.RuntimeProbeProcess.dll");
        }
    }

    public static async Task<JsonElement> RunAsync(string mode, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        start.ArgumentList.Add(mode);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Variables the probe observes start unset, whatever this test process was started with.
        start.Environment.Remove("THP_MEM_ALLOC_ENABLE");
        start.Environment.Remove("OMP_NUM_THREADS");
        start.Environment.Remove("MKL_NUM_THREADS");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"the probe exited with {process.ExitCode}: {await stderr}");
        using var document = JsonDocument.Parse(await stdout);
        return document.RootElement.Clone();
    }
}
