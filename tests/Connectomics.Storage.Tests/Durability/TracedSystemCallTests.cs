using System.Diagnostics;
using System.Text.RegularExpressions;
using Connectomics.Storage.Checkpoints;
using Connectomics.Storage.Lance.Table;
using Connectomics.Storage.Tests.Lance.Interop;

namespace Connectomics.Storage.Tests.Durability;

/// <summary>
/// The real system calls of a Lance append followed by a checkpoint that records its version, traced with
/// <c>strace</c> in a writer process: nothing is published before what it refers to is on storage, so a durable
/// checkpoint never points at a version a power loss can take away.
/// </summary>
public sealed partial class TracedSystemCallTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("durable-trace-");

    public void Dispose() => _dir.Delete(recursive: true);

    [StraceFact]
    public async Task A_commit_and_the_checkpoint_after_it_flush_each_file_and_directory_before_anything_refers_to_it()
    {
        var table = Path.Combine(_dir.FullName, "t.lance");
        var root = Path.Combine(_dir.FullName, "checkpoints");
        var log = Path.Combine(_dir.FullName, "strace.log");
        var start = new ProcessStartInfo(StraceFactAttribute.StracePath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2,link,linkat", "-o", log, "dotnet", WriterProcess.Dll, "checkpoint", table, "run", "3", root })
        {
            start.ArgumentList.Add(argument);
        }

        using (var process = Process.Start(start)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"strace or the writer failed ({process.ExitCode}): {await stdout}{await stderr}");
            Assert.Equal("1", (await stdout).Trim());
        }

        var calls = (await File.ReadAllLinesAsync(log)).Select(Parse).OfType<(string Name, string Arguments)>().ToList();
        var trace = string.Join(Environment.NewLine, calls.Select(c => $"{c.Name}({c.Arguments})"));

        int Find(string description, Func<(string Name, string Arguments), bool> match, int after = -1)
        {
            for (var i = after + 1; i < calls.Count; i++)
            {
                if (match(calls[i]))
                {
                    return i;
                }
            }

            Assert.Fail($"No {description} after call {after} in the trace:{Environment.NewLine}{trace}");
            return -1;
        }

        bool Flushes(string path, (string Name, string Arguments) call) =>
            call.Name is "fsync" or "fdatasync" && call.Arguments.Contains($"<{path}>", StringComparison.Ordinal);

        bool Renames(string destination, (string Name, string Arguments) call) =>
            (call.Name.StartsWith("rename", StringComparison.Ordinal) || call.Name.StartsWith("link", StringComparison.Ordinal))
                && call.Arguments.Contains($"\"{destination}\"", StringComparison.Ordinal);

        var dataDirectory = Path.Combine(table, TableLayout.DataDirectory);
        var versions = Path.Combine(table, TableLayout.VersionsDirectory);
        var manifest = Path.Combine(versions, TableLayout.ManifestFileName(1));
        var runDirectory = Path.Combine(root, "run");
        var state = Path.Combine(runDirectory, FileCheckpointStore.CurrentFileName);
        var dataFile = Assert.Single(Directory.GetFiles(dataDirectory));

        var dataFlushed = Find($"fsync of the data file '{dataFile}'", c => Flushes(dataFile, c));
        var dataDirectoryFlushed = Find($"fsync of '{dataDirectory}'", c => Flushes(dataDirectory, c), dataFlushed);
        var manifestPublished = Find($"rename to '{manifest}'", c => Renames(manifest, c), dataDirectoryFlushed);
        var manifestStaging = StagingOf(calls[manifestPublished].Arguments);
        Assert.True(
            calls.Take(manifestPublished).Any(c => Flushes(manifestStaging, c)),
            $"The manifest's staging file '{manifestStaging}' is not flushed before its rename:{Environment.NewLine}{trace}");
        var versionsFlushed = Find($"fsync of '{versions}'", c => Flushes(versions, c), manifestPublished);
        var stateStaged = Find("fsync of the checkpoint's temporary file", c => c.Name is "fsync" && c.Arguments.Contains($"<{runDirectory}/state.", StringComparison.Ordinal), versionsFlushed);
        var statePublished = Find($"rename to '{state}'", c => Renames(state, c), stateStaged);
        Find($"fsync of '{runDirectory}'", c => Flushes(runDirectory, c), statePublished);
    }

    /// <summary>Reads one line of <c>strace -f -y</c> output: the call's name and arguments, or null for other lines.</summary>
    private static (string Name, string Arguments)? Parse(string line)
    {
        var match = CallLine().Match(line);
        return match.Success ? (match.Groups["name"].Value, match.Groups["arguments"].Value) : null;
    }

    /// <summary>The first quoted path of a rename or link: the staging file.</summary>
    private static string StagingOf(string arguments) => QuotedPath().Match(arguments).Groups["path"].Value;

    [GeneratedRegex(@"^\d+\s+(?<name>[a-z0-9_]+)\((?<arguments>.*)$")]
    private static partial Regex CallLine();

    [GeneratedRegex("\"(?<path>[^\"]+)\"")]
    private static partial Regex QuotedPath();
}
