using System.Diagnostics;
using System.Reflection;

namespace Connectomics.Storage.Tests.Lance.Interop;

/// <summary>Runs <c>Connectomics.LanceWriterProcess</c> (see its Program.cs for the commands) as a separate OS process.</summary>
internal static class WriterProcess
{
    public static string Dll
    {
        get
        {
            var configuration = typeof(WriterProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            return Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.LanceWriterProcess", configuration.ToLowerInvariant(), "Connectomics.LanceWriterProcess.dll");
        }
    }

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
