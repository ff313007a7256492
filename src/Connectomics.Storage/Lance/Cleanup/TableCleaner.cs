using System.Text.Json;
using Connectomics.Durability;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.Storage.Lance.Cleanup;

/// <summary>
/// Removes old versions of a table and the files that no remaining version refers to, the way LanceDB's cleanup of
/// old versions does: manifests first (their directory flushed), so that no remaining manifest ever refers to a
/// removed file, then transaction, staging, deletion and data files.
/// </summary>
/// <remarks>
/// The latest version and versions named by a tag (<c>_refs/tags/*.json</c>) are always kept. Files younger than the
/// threshold are kept even when nothing refers to them, because a writer at work has written them but not yet
/// committed. Versions that appear while the cleanup runs are read again before any data file is removed.
/// </remarks>
internal static class TableCleaner
{
    private const string TemporaryPrefix = ".tmp-";
    private const string DeletionsDirectory = "_deletions";
    private const string TagsDirectory = "_refs/tags";

    public static async Task<LanceCleanupResult> CleanupAsync(string tablePath, LanceCleanupOptions options, IDurableFileSystem fileSystem, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(tablePath))
        {
            throw new LanceTableNotFoundException(tablePath, LanceDatabase.ListTables(Path.GetDirectoryName(Path.GetFullPath(tablePath)) ?? tablePath));
        }

        var cutoff = options.TimeProvider.GetUtcNow() - options.OlderThan;
        var versions = TableLayout.ListVersions(tablePath);
        var tagged = await ReadTaggedVersionsAsync(tablePath, cancellationToken).ConfigureAwait(false);
        var latest = versions.Count == 0 ? (ulong?)null : versions.Keys.Last();
        var references = new References();
        var removed = new List<(ulong Version, string Path, string? TransactionFile)>();
        foreach (var (version, path) in versions)
        {
            var manifest = await LoadedManifest.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            var committed = manifest.Manifest.Timestamp ?? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
            if (version != latest && !tagged.Contains(version) && committed <= cutoff)
            {
                removed.Add((version, path, manifest.Manifest.TransactionFile));
            }
            else
            {
                references.Add(manifest);
            }
        }

        var files = new List<LanceCleanupFile>();
        foreach (var (_, path, _) in removed)
        {
            files.Add(Describe(tablePath, path, LanceCleanupFileKind.Manifest));
        }

        if (!options.DryRun && removed.Count > 0)
        {
            foreach (var (_, path, _) in removed)
            {
                cancellationToken.ThrowIfCancellationRequested();
                fileSystem.Delete(path);
            }

            // No removed manifest may come back after a power failure once the files it refers to are gone.
            fileSystem.FlushDirectory(Path.Combine(tablePath, TableLayout.VersionsDirectory));
        }

        // A writer may have committed meanwhile: what its version refers to stays.
        foreach (var (version, path) in TableLayout.ListVersions(tablePath))
        {
            if (!versions.ContainsKey(version))
            {
                references.Add(await LoadedManifest.ReadAsync(path, cancellationToken).ConfigureAwait(false));
            }
        }

        var unreferenced = new List<LanceCleanupFile>();
        foreach (var path in FilesIn(tablePath, TableLayout.TransactionsDirectory))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith(TemporaryPrefix, StringComparison.Ordinal))
            {
                AddIfOld(unreferenced, tablePath, path, LanceCleanupFileKind.Temporary, cutoff);
            }
            else if (name.EndsWith(".txn", StringComparison.Ordinal) && !references.Transactions.Contains(name))
            {
                AddIfOld(unreferenced, tablePath, path, LanceCleanupFileKind.Transaction, cutoff);
            }
        }

        foreach (var path in FilesIn(tablePath, TableLayout.VersionsDirectory))
        {
            if (Path.GetFileName(path).StartsWith(TemporaryPrefix, StringComparison.Ordinal))
            {
                AddIfOld(unreferenced, tablePath, path, LanceCleanupFileKind.Temporary, cutoff);
            }
        }

        foreach (var path in FilesIn(tablePath, DeletionsDirectory))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith(TemporaryPrefix, StringComparison.Ordinal))
            {
                AddIfOld(unreferenced, tablePath, path, LanceCleanupFileKind.Temporary, cutoff);
            }
            else if ((name.EndsWith(".arrow", StringComparison.Ordinal) || name.EndsWith(".bin", StringComparison.Ordinal))
                && !references.Deletions.Contains(DeletionsDirectory + "/" + name))
            {
                AddIfOld(unreferenced, tablePath, path, LanceCleanupFileKind.Deletion, cutoff);
            }
        }

        foreach (var path in FilesIn(tablePath, TableLayout.DataDirectory))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith(TemporaryPrefix, StringComparison.Ordinal))
            {
                AddIfOld(unreferenced, tablePath, path, LanceCleanupFileKind.Temporary, cutoff);
            }
            else if (name.EndsWith(".lance", StringComparison.Ordinal) && !references.Data.Contains(name))
            {
                AddIfOld(unreferenced, tablePath, path, LanceCleanupFileKind.Data, cutoff);
            }
        }

        unreferenced.Sort((a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : string.CompareOrdinal(a.RelativePath, b.RelativePath));
        if (!options.DryRun)
        {
            foreach (var file in unreferenced)
            {
                cancellationToken.ThrowIfCancellationRequested();
                fileSystem.Delete(Path.Combine(tablePath, file.RelativePath));
            }
        }

        files.AddRange(unreferenced);
        var removedVersions = removed.Select(r => r.Version).ToHashSet();
        return new LanceCleanupResult
        {
            TablePath = tablePath,
            DryRun = options.DryRun,
            RemovedVersions = [.. removedVersions.Order()],
            RemainingVersions = [.. (options.DryRun ? versions.Keys.Where(v => !removedVersions.Contains(v)) : TableLayout.ListVersions(tablePath).Keys)],
            Files = files,
        };
    }

    private static void AddIfOld(List<LanceCleanupFile> files, string tablePath, string path, LanceCleanupFileKind kind, DateTimeOffset cutoff)
    {
        var info = new FileInfo(path);
        if (info.Exists && new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) <= cutoff)
        {
            files.Add(Describe(tablePath, path, kind));
        }
    }

    private static LanceCleanupFile Describe(string tablePath, string path, LanceCleanupFileKind kind) =>
        new(Path.GetRelativePath(tablePath, path).Replace(Path.DirectorySeparatorChar, '/'), kind, new FileInfo(path).Length);

    private static IEnumerable<string> FilesIn(string tablePath, string directory)
    {
        var path = Path.Combine(tablePath, directory);
        return Directory.Exists(path) ? Directory.EnumerateFiles(path).Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>Reads the versions that Lance tags name (<c>_refs/tags/&lt;tag&gt;.json</c>, <c>{"version": N, …}</c>).</summary>
    private static async Task<HashSet<ulong>> ReadTaggedVersionsAsync(string tablePath, CancellationToken cancellationToken)
    {
        var tagged = new HashSet<ulong>();
        foreach (var path in FilesIn(tablePath, TagsDirectory))
        {
            if (!path.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            try
            {
                using var document = JsonDocument.Parse(bytes);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("version", out var version)
                    && version.TryGetUInt64(out var number))
                {
                    tagged.Add(number);
                    continue;
                }
            }
            catch (JsonException e)
            {
                throw new LanceFormatException($"The tag cannot be read ({e.Message}); nothing was removed.", path);
            }

            throw new LanceFormatException("The tag has no version number; nothing was removed.", path);
        }

        return tagged;
    }

    /// <summary>The files that the remaining versions refer to, by name.</summary>
    private sealed class References
    {
        public HashSet<string> Data { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Deletions { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Transactions { get; } = new(StringComparer.Ordinal);

        public void Add(LoadedManifest loaded)
        {
            var manifest = loaded.Manifest;
            if (!string.IsNullOrEmpty(manifest.TransactionFile))
            {
                Transactions.Add(manifest.TransactionFile);
            }

            foreach (var fragment in manifest.Fragments)
            {
                foreach (var file in fragment.Files)
                {
                    Data.Add(file.Path);
                }

                if (fragment.DeletionFile is { } deletion)
                {
                    Deletions.Add(deletion.RelativePath(fragment.Id));
                }
            }
        }
    }
}
