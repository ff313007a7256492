using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;

namespace Connectomics.Embed.Tests;

/// <summary>The tool, <c>connectomics-embed</c>, run in its own process in a working directory, as a user runs it.</summary>
internal static class EmbedTool
{
    public static string Dll()
    {
        var configuration = typeof(EmbedTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.Embed", configuration.ToLowerInvariant(), "Connectomics.Embed.dll");
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

    /// <summary>Sends SIGINT, what Ctrl+C sends, to a process.</summary>
    public static void Interrupt(Process process)
    {
        var start = new ProcessStartInfo("/usr/bin/kill") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-INT");
        start.ArgumentList.Add(process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(start)!;
        var error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -INT {process.Id} (exited: {process.HasExited}): {error}");
    }

    /// <summary>The SHA-256 of every file under <paramref name="directory"/>, by relative path.</summary>
    public static SortedDictionary<string, string> Hashes(string directory)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return hashes;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            hashes[Path.GetRelativePath(directory, file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return hashes;
    }
}

/// <summary>One finished run of the tool.</summary>
internal sealed record ToolRun(int Code, string Stdout, string Stderr)
{
    public string[] ErrorLines => [.. Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal))];

    /// <summary>Asserts a failure reported as exactly one <c>error:</c> line and no stack trace; returns that line.</summary>
    public string SingleError(int code = 1)
    {
        Assert.True(Code == code, $"exit code {Code}, expected {code}\n{Stderr}\n{Stdout}");
        var line = Assert.Single(ErrorLines);
        Assert.DoesNotContain("   at ", Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", Stderr, StringComparison.Ordinal);
        return line;
    }

    /// <summary>The value of a <c>name: value</c> line of the run summary.</summary>
    public string Summary(string name) =>
        Stdout.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];
}
