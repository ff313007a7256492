using System.Diagnostics;
using System.Reflection;

namespace Connectomics.Lance.Tests;

/// <summary>Runs <c>Connectomics.LanceWriterProcess</c> (its Program.cs lists the commands) in its own process.</summary>
internal static class WriterProcess
{
    private static string Dll()
    {
        var configuration = typeof(WriterProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.LanceWriterProcess", configuration.ToLowerInvariant(), "Connectomics.LanceWriterProcess.dll");
    }

    public static ToolRun Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new ToolRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
