using System.Globalization;

namespace Connectomics.CrashTests.Volumes;

/// <summary>
/// Shared by the volume crash tests: the volume (<see cref="CrashVolume"/>), written once, and an uninterrupted run of
/// connectomics-volumes embed over it, with the number of times it reached each named point and what it left.
/// </summary>
public sealed class VolumeCrashRuns : IAsyncLifetime
{
    public const string Table = "cells";
    public const int CheckpointBlocks = 4;
    private const string RunId = "crash";

    private readonly TempDirectory _work = new("connectomics-volume-crash");

    private string VolumePath => Path.Combine(_work.Path, "in", "em.zarr");

    internal ReferenceRun Reference { get; private set; } = null!;

    /// <summary>Gets a new, empty directory for a database.</summary>
    public string NewDatabase(string name)
    {
        var path = Path.Combine(_work.Path, "db", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Gets the command line that embeds the volume into table <see cref="Table"/> of <paramref name="database"/>.</summary>
    /// <remarks>16³ blocks (24 of them) with the tiny U-Net's own halo, one row per 8³ cell (8 per block), a commit every
    /// <see cref="CheckpointBlocks"/> blocks so that kills land between commits, two reads at once, a small cache.</remarks>
    public IReadOnlyList<string> Arguments(string database) =>
    [
        "embed", VolumePath, "--db", database, "--table", Table, "--run-id", RunId, "--preset", "tiny", "--seed", "7",
        "--block", CrashVolume.Block.ToString(CultureInfo.InvariantCulture), "--cell", CrashVolume.Cell.ToString(CultureInfo.InvariantCulture),
        "--checkpoint-blocks", CheckpointBlocks.ToString(CultureInfo.InvariantCulture), "--concurrency", "2", "--cache-mb", "8",
    ];

    public async Task InitializeAsync()
    {
        await CrashVolume.WriteAsync(VolumePath);
        var database = NewDatabase("reference");
        var countsFile = Path.Combine(_work.Path, "counts.txt");
        var run = await EmbedTool.RunAsync(Arguments(database), new Dictionary<string, string> { ["CONNECTOMICS_POINT_COUNTS"] = countsFile }, EmbedTool.VolumesToolDll);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"The reference run failed: {run.Describe()}");
        }

        var counts = File.ReadAllLines(countsFile)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        Reference = new ReferenceRun(database, counts, await TableSnapshot.ReadAsync(database, Table), run.Elapsed);
    }

    public Task DisposeAsync()
    {
        _work.Dispose();
        return Task.CompletedTask;
    }
}
