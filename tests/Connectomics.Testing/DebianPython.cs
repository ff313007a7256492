using System.Diagnostics;
using Xunit;

namespace Connectomics.Testing;

/// <summary>
/// Runs a script under Debian's Python (<c>/usr/bin/python3</c>, with modules from apt) as a separate process, for the
/// tests that compare with an independent Python reference. A missing interpreter or module fails the test with the
/// caller's install hint.
/// </summary>
public static class DebianPython
{
    /// <summary>The interpreter.</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs <c>python3 arguments...</c> to its end (failing after <paramref name="timeout"/>, 3 minutes by
    /// default) and returns its exit code and output.</summary>
    /// <param name="requirement">What the caller needs and how to install it, e.g. "the U-Net reference needs Debian's
    /// Python with PyTorch: apt-get install python3-torch python3-numpy".</param>
    /// <param name="arguments">The script and its arguments.</param>
    /// <param name="timeout">How long the script may run.</param>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string requirement, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing; {requirement}");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cancel.Token);
        var error = await stderr;
        Assert.False(
            process.ExitCode != 0 && error.Contains("No module named", StringComparison.Ordinal),
            $"a Python module is missing; {requirement}\n{error}");
        return (process.ExitCode, await stdout, error);
    }
}
