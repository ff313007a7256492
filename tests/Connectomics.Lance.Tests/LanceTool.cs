using System.Diagnostics;
using System.Reflection;

namespace Connectomics.Lance.Tests;

/// <summary>Runs the built <c>connectomics-lance</c> tool in its own process, as a user runs it.</summary>
internal static class LanceTool
{
    private static string Dll()
    {
        var configuration = typeof(LanceTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.Lance", configuration.ToLowerInvariant(), "connectomics-lance.dll");
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

    /// <summary>Runs the tool and fails the test unless it exits with 0.</summary>
    public static string Succeed(params string[] arguments)
    {
        var run = Run(arguments);
        Assert.True(run.Code == 0, $"exit {run.Code}: {run.Stderr}");
        return run.Stdout;
    }
}
