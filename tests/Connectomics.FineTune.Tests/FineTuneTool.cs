using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;

namespace Connectomics.FineTune.Tests;

/// <summary>The tool, <c>connectomics-finetune</c>, run in its own process in a working directory, as a user runs it.</summary>
internal static class FineTuneTool
{
    public static string Dll()
    {
        var configuration = typeof(FineTuneTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.FineTune", configuration.ToLowerInvariant(), "connectomics-finetune.dll");
    }

    /// <summary>Runs the tool to its end.</summary>
    public static ToolRun Run(string workingDirectory, params string[] arguments)
    {
        using var process = Start(workingDirectory, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new ToolRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the tool; the caller reads its output and waits for it.</summary>
    public static Process Start(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Dll());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>The SHA-256 of a file.</summary>
    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>The SHA-256 of every file under <paramref name="directory"/>, by relative path.</summary>
    public static SortedDictionary<string, string> Hashes(string directory)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            hashes[Path.GetRelativePath(directory, file)] = Hash(file);
        }

        return hashes;
    }
}

/// <summary>One finished run of the tool.</summary>
internal sealed record ToolRun(int Code, string Stdout, string Stderr)
{
    public string[] ErrorLines => [.. Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal))];

    /// <summary>Asserts success; returns this run.</summary>
    public ToolRun Succeeded()
    {
        Assert.True(Code == 0, $"exit code {Code}\n{Stderr}\n{Stdout}");
        return this;
    }

    /// <summary>Asserts a failure reported as exactly one <c>error:</c> line and no stack trace; returns that line.</summary>
    public string SingleError(int code = 1)
    {
        Assert.True(Code == code, $"exit code {Code}, expected {code}\n{Stderr}\n{Stdout}");
        var line = Assert.Single(ErrorLines);
        Assert.DoesNotContain("   at ", Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", Stderr, StringComparison.Ordinal);
        return line;
    }
}
