using System.Diagnostics;

namespace Connectomics.Embed.Tests;

/// <summary>
/// Prometheus's own <c>promtool check metrics</c> (installed with the Debian package prometheus; <c>.ci/run</c>
/// installs it): the judge of a metrics exposition.
/// </summary>
internal static class Promtool
{
    public static string Path() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, "promtool"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("promtool is not installed: install the Debian package prometheus (apt-get install prometheus; .ci/run does), which checks the metrics exposition.");

    /// <summary>Runs <c>promtool check metrics</c> on an exposition and asserts it finds nothing wrong.</summary>
    public static async Task AssertAcceptsAsync(string exposition)
    {
        var start = new ProcessStartInfo(Path()) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"promtool check metrics exited with {process.ExitCode}:\n{await stdout}{await stderr}\n--- exposition ---\n{exposition}");
    }
}
