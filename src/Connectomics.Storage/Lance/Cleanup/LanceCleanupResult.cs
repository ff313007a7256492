namespace Connectomics.Storage.Lance;

/// <summary>What a cleanup of a table directory removed, or in a dry run would remove.</summary>
public sealed class LanceCleanupResult
{
    /// <summary>Gets the table directory.</summary>
    public required string TablePath { get; init; }

    /// <summary>Gets a value indicating whether this was a dry run, which removed nothing.</summary>
    public required bool DryRun { get; init; }

    /// <summary>Gets the versions whose manifests were removed, oldest first.</summary>
    public required IReadOnlyList<ulong> RemovedVersions { get; init; }

    /// <summary>Gets the versions that remain, oldest first.</summary>
    public required IReadOnlyList<ulong> RemainingVersions { get; init; }

    /// <summary>Gets every file removed, ordered by kind then path.</summary>
    public required IReadOnlyList<LanceCleanupFile> Files { get; init; }

    /// <summary>Gets the total size of the removed files in bytes.</summary>
    public long Bytes => Files.Sum(f => f.Bytes);

    /// <summary>Counts the removed files of one kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The number of files.</returns>
    public int Count(LanceCleanupFileKind kind) => Files.Count(f => f.Kind == kind);

    /// <summary>Sums the sizes of the removed files of one kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The bytes.</returns>
    public long BytesOf(LanceCleanupFileKind kind) => Files.Where(f => f.Kind == kind).Sum(f => f.Bytes);
}
