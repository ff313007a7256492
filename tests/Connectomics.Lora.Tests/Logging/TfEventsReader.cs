using System.Diagnostics;
using System.Text.Json;

namespace Connectomics.Lora.Tests.Logging;

/// <summary>Runs tools/fixtures/read_tfevents.py, an independent reader built on Google's protobuf runtime and the
/// crc32c package of Debian's Python, and returns its JSON output.</summary>
internal static class TfEventsReader
{
    public const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(RepositoryRoot.Path, "tools", "fixtures", "read_tfevents.py");

    /// <summary>Reads the files; throws with the reader's message when it rejects one.</summary>
    public static JsonElement Read(params string[] paths)
    {
        var (exitCode, output, error) = Run(paths);
        if (exitCode != 0)
        {
            throw new InvalidDataException($"read_tfevents.py exited with {exitCode}: {error}");
        }

        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    public static (int ExitCode, string Output, string Error) Run(params string[] paths)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        foreach (var path in paths)
        {
            start.ArgumentList.Add(path);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Python}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
