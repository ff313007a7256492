using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Connectomics.Testing;

/// <summary>A sample program (<c>connectomics-embed</c>, <c>connectomics-finetune</c>) run in its own process in a
/// working directory, as a user runs it, from the build of the test assembly's configuration.</summary>
public sealed class SampleProgram
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="project">The sample's project name, e.g. <c>Connectomics.Embed</c>.</param>
    /// <param name="assemblyFile">The program's assembly file, e.g. <c>Connectomics.Embed.dll</c>.</param>
    /// <param name="testAssembly">The test assembly, whose build configuration (Debug, Release) the program's matches.</param>
    public SampleProgram(string project, string assemblyFile, Assembly testAssembly)
    {
        ArgumentNullException.ThrowIfNull(testAssembly);
        var configuration = testAssembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        Dll = System.IO.Path.Combine(RepositoryRoot.Path, "artifacts", "bin", project, configuration.ToLowerInvariant(), assemblyFile);
    }

    /// <summary>Gets the program's built assembly.</summary>
    public string Dll { get; }

    /// <summary>Sends SIGINT, what Ctrl+C sends, to a process.</summary>
    /// <param name="process">The process.</param>
    public static void Interrupt(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var start = new ProcessStartInfo("/usr/bin/kill") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-INT");
        start.ArgumentList.Add(process.Id.ToString(CultureInfo.InvariantCulture));
        using var kill = Process.Start(start)!;
        var error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        Xunit.Assert.True(kill.ExitCode == 0, $"kill -INT {process.Id} (exited: {process.HasExited}): {error}");
    }

    /// <summary>Runs the program to its end.</summary>
    /// <param name="workingDirectory">The working directory.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The exit code and the output.</returns>
    public ToolRun Run(string workingDirectory, params string[] arguments)
    {
        using var process = Start(workingDirectory, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new ToolRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the program; the caller reads its output and waits for it.</summary>
    /// <param name="workingDirectory">The working directory.</param>
    /// <param name="arguments">The arguments.</param>
    /// <returns>The process, with standard output and error redirected.</returns>
    public Process Start(string workingDirectory, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
