using System.Globalization;
using System.Text;
using Connectomics.Durability;

namespace Connectomics.Lora.Training;

/// <summary>
/// The checkpoints of one run under a root directory: <c>checkpoint-&lt;step&gt;/</c> per checkpoint and a
/// <c>latest</c> file naming the newest complete one. A checkpoint is written into a hidden temporary directory, every
/// file and directory in it is flushed to storage, and it is then renamed into place; <c>latest</c> is replaced
/// durably last. A crash at any point leaves <c>latest</c> naming a complete checkpoint (or absent).
/// </summary>
internal sealed class CheckpointDirectory
{
    /// <summary>The name of the file that names the newest checkpoint.</summary>
    public const string LatestFileName = "latest";

    /// <summary>The name of the trainer-state file inside a checkpoint.</summary>
    public const string StateFileName = "trainer_state.json";

    private const string Prefix = "checkpoint-";
    private readonly IDurableFileSystem _fileSystem;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="root">The run's directory.</param>
    /// <param name="fileSystem">The file system; the operating system's when <see langword="null"/>.</param>
    public CheckpointDirectory(string root, IDurableFileSystem? fileSystem = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _fileSystem = fileSystem ?? OperatingSystemFileSystem.Instance;
    }

    /// <summary>Gets the run's directory (full path).</summary>
    public string Root { get; }

    /// <summary>Gets the directory name of the checkpoint of a step.</summary>
    /// <param name="step">The optimizer step.</param>
    /// <returns><c>checkpoint-&lt;step&gt;</c>.</returns>
    public static string NameOf(long step) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{step}");

    /// <summary>
    /// Writes a checkpoint: <paramref name="writeContent"/> fills a temporary directory (weights, optimizer state),
    /// the trainer state is added, everything is flushed, the directory is renamed to <c>checkpoint-&lt;step&gt;</c>
    /// (replacing one of the same step left by an earlier, interrupted run) and <c>latest</c> is updated.
    /// </summary>
    /// <param name="state">The trainer state; its <see cref="TrainerState.Step"/> names the checkpoint.</param>
    /// <param name="writeContent">Writes the weights and optimizer state into the directory it is given.</param>
    /// <returns>The checkpoint's full path.</returns>
    /// <exception cref="IOException">The checkpoint cannot be written; <c>latest</c> is unchanged.</exception>
    public string Write(TrainerState state, Action<string> writeContent)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writeContent);
        DurableFile.CreateDirectory(_fileSystem, Root);
        var name = NameOf(state.Step);
        var final = Path.Combine(Root, name);
        var temporary = Path.Combine(Root, $".{name}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            writeContent(temporary);
            var statePath = Path.Combine(temporary, StateFileName);
            var bytes = state.ToJson();
            DurableFile.WriteTemp(_fileSystem, statePath, stream => stream.Write(bytes));
            FlushTree(temporary);
            if (Directory.Exists(final))
            {
                // A checkpoint of this step from a run that stopped before updating 'latest': the new one replaces it.
                var stale = Path.Combine(Root, $".{name}.{Guid.NewGuid():N}.stale");
                Directory.Move(final, stale);
                Directory.Move(temporary, final);
                _fileSystem.FlushDirectory(Root);
                Directory.Delete(stale, recursive: true);
            }
            else
            {
                Directory.Move(temporary, final);
                _fileSystem.FlushDirectory(Root);
            }
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        WritePointer(LatestFileName, name);
        return final;
    }

    /// <summary>Reads the newest complete checkpoint.</summary>
    /// <returns>Its full path and state, or <see langword="null"/> when the run has none.</returns>
    /// <exception cref="InvalidDataException"><c>latest</c> names a missing or unreadable checkpoint.</exception>
    public (string Path, TrainerState State)? ReadLatest()
    {
        var pointer = Path.Combine(Root, LatestFileName);
        if (!File.Exists(pointer))
        {
            return null;
        }

        var name = File.ReadAllText(pointer, Encoding.UTF8).Trim();
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{pointer}' names '{name}', which is not a checkpoint directory.");
        }

        var path = Path.Combine(Root, name);
        var statePath = Path.Combine(path, StateFileName);
        return File.Exists(statePath)
            ? (path, TrainerState.Read(statePath))
            : throw new InvalidDataException($"'{pointer}' names '{name}', but '{statePath}' does not exist.");
    }

    /// <summary>Lists the complete checkpoints by step, oldest first.</summary>
    /// <returns>The steps and full paths.</returns>
    public IReadOnlyList<(long Step, string Path)> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var found = new List<(long, string)>();
        foreach (var directory in Directory.EnumerateDirectories(Root, Prefix + "*"))
        {
            var suffix = Path.GetFileName(directory)[Prefix.Length..];
            if (long.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var step) && File.Exists(Path.Combine(directory, StateFileName)))
            {
                found.Add((step, directory));
            }
        }

        return [.. found.OrderBy(f => f.Item1)];
    }

    /// <summary>Removes all but the newest <paramref name="keepLast"/> checkpoints, never the best one nor the one
    /// <c>latest</c> names, and any temporary directory an interrupted write left behind.</summary>
    /// <param name="keepLast">How many of the newest checkpoints to keep (at least 1).</param>
    /// <param name="best">The directory name of the best checkpoint, or <see langword="null"/>.</param>
    /// <returns>The full paths removed.</returns>
    public IReadOnlyList<string> Prune(int keepLast, string? best)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        var all = List();
        var latest = ReadLatestName();
        var removed = new List<string>();
        foreach (var (_, path) in all.Take(Math.Max(0, all.Count - keepLast)))
        {
            var name = Path.GetFileName(path);
            if (string.Equals(name, best, StringComparison.Ordinal) || string.Equals(name, latest, StringComparison.Ordinal))
            {
                continue;
            }

            Directory.Delete(path, recursive: true);
            removed.Add(path);
        }

        foreach (var leftover in Directory.EnumerateDirectories(Root, "." + Prefix + "*"))
        {
            TryDelete(leftover);
        }

        if (removed.Count > 0)
        {
            _fileSystem.FlushDirectory(Root);
        }

        return removed;
    }

    private string? ReadLatestName()
    {
        var pointer = Path.Combine(Root, LatestFileName);
        return File.Exists(pointer) ? File.ReadAllText(pointer, Encoding.UTF8).Trim() : null;
    }

    private void WritePointer(string fileName, string value)
    {
        var path = Path.Combine(Root, fileName);
        var temp = DurableFile.TempPathFor(path);
        var bytes = Encoding.UTF8.GetBytes(value + "\n");
        DurableFile.WriteTemp(_fileSystem, temp, stream => stream.Write(bytes));
        DurableFile.Publish(_fileSystem, temp, path);
    }

    private void FlushTree(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            DurableFile.FlushExisting(_fileSystem, file);
        }

        foreach (var sub in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            _fileSystem.FlushDirectory(sub);
        }

        _fileSystem.FlushDirectory(directory);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
