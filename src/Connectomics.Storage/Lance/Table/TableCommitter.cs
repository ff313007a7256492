using System.Globalization;
using System.Reflection;
using System.Text;
using Connectomics.Durability;
using Connectomics.Storage.Lance.Metadata;

namespace Connectomics.Storage.Lance.Table;

/// <summary>
/// Commits a new table version: flushes the data files' directory, writes the transaction file, builds the manifest
/// on the latest version and publishes it under its final name with a put-if-absent move
/// (<see cref="DurableFile.TryPublishNew"/>: on Linux <c>renameat2(RENAME_NOREPLACE)</c>; on Windows a rename that
/// refuses to replace). Losing the race to another writer rebuilds the manifest on the newer version when the
/// operations are compatible.
/// </summary>
/// <remarks>
/// Every file is on storage before the file that refers to it is published: the data files (flushed by the writer)
/// and their directory entries before the manifest, and each transaction file and manifest is flushed before its
/// rename, after which its directory is flushed. A version that a later step (a checkpoint, say) records is
/// therefore never lost in a power failure.
/// </remarks>
internal static class TableCommitter
{
    private static readonly string LibraryVersion = typeof(TableCommitter).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+', '-')[0] ?? "0.0.0";

    /// <summary>
    /// Gets or sets a callback run at each <see cref="CommitStage"/> of every commit in this process. Tests use it to
    /// kill a writer process at an exact point; it is null otherwise.
    /// </summary>
    internal static Action<CommitStage>? StageReached { get; set; }

    public static async Task<ulong> CommitAsync(CommitRequest request, CancellationToken cancellationToken)
    {
        var fileSystem = request.FileSystem;
        var tablePath = request.TablePath;
        if (request.NewFragments.Count > 0)
        {
            // The data files themselves were flushed as they were closed; this makes their names durable.
            fileSystem.FlushDirectory(Path.Combine(tablePath, TableLayout.DataDirectory));
        }

        StageReached?.Invoke(CommitStage.Starting);
        var uuid = Guid.NewGuid().ToString("D");
        var transaction = new TransactionInfo { ReadVersion = request.ReadVersion, Uuid = uuid, Operation = request.Operation };
        transaction.Fragments.AddRange(request.NewFragments.Select(CloneWithoutId));
        if (request.Operation == TransactionInfo.OverwriteOperation)
        {
            transaction.Schema.AddRange(request.Schema);
            foreach (var (key, value) in request.SchemaMetadata)
            {
                transaction.SchemaMetadata[key] = value;
            }
        }

        foreach (var (key, value) in request.Properties)
        {
            transaction.Properties[key] = value;
        }

        var transactionBytes = transaction.Encode();
        var transactionFile = string.Create(CultureInfo.InvariantCulture, $"{request.ReadVersion}-{uuid}.txn");
        var transactionsDirectory = Path.Combine(tablePath, TableLayout.TransactionsDirectory);
        DurableFile.CreateDirectory(fileSystem, transactionsDirectory);
        var transactionPath = Path.Combine(transactionsDirectory, transactionFile);
        if (!await DurableFile.TryWriteNewAsync(fileSystem, transactionPath, StagingPath(transactionsDirectory), transactionBytes, cancellationToken).ConfigureAwait(false))
        {
            throw new IOException($"'{transactionPath}' already exists.");
        }

        StageReached?.Invoke(CommitStage.TransactionWritten);

        var versionsDirectory = Path.Combine(tablePath, TableLayout.VersionsDirectory);
        DurableFile.CreateDirectory(fileSystem, versionsDirectory);
        var current = request.Base;
        for (var attempt = 0; attempt < LanceWriteDefaults.MaxCommitAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var version = (current?.Manifest.Version ?? 0) + 1;
            var manifest = Build(request, current, version, transactionFile);
            var bytes = ManifestFile.Encode(manifest, request.Operation == TransactionInfo.AppendOperation ? current?.IndexSection : null, transactionBytes);
            var finalPath = Path.Combine(versionsDirectory, TableLayout.ManifestFileName(version));
            var staging = StagingPath(versionsDirectory);
            await DurableFile.WriteTempAsync(fileSystem, staging, bytes, cancellationToken).ConfigureAwait(false);
            StageReached?.Invoke(CommitStage.ManifestStaged);

            // False when another writer published this version first; the staging file is removed then. Once the
            // manifest has its name the version is visible, even if flushing the directory fails after that.
            if (DurableFile.TryPublishNew(fileSystem, staging, finalPath, renamed: () => request.PublishedVersion = version))
            {
                StageReached?.Invoke(CommitStage.ManifestPublished);
                WriteVersionHint(fileSystem, versionsDirectory, version);
                return version;
            }

            current = await RebaseAsync(request, current, cancellationToken).ConfigureAwait(false);
            request.Telemetry.LanceConflict("rebased");
            Log.CommitRebased(request.Logger, tablePath, version, current.Manifest.Version);
        }

        throw new LanceCommitConflictException($"Gave up after {LanceWriteDefaults.MaxCommitAttempts} attempts to commit against concurrent writers.", tablePath, request.ReadVersion);
    }

    private static async Task<LoadedManifest> RebaseAsync(CommitRequest request, LoadedManifest? current, CancellationToken cancellationToken)
    {
        if (request.MustCreate)
        {
            throw new LanceCommitConflictException("The table was created by another writer.", request.TablePath, request.ReadVersion);
        }

        var versions = TableLayout.ListVersions(request.TablePath);
        var from = (current?.Manifest.Version ?? 0) + 1;
        LoadedManifest? latest = null;
        foreach (var (version, path) in versions.Where(v => v.Key >= from))
        {
            latest = await LoadedManifest.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (request.Operation == TransactionInfo.AppendOperation)
            {
                var operation = await ReadOperationAsync(request.TablePath, latest, cancellationToken).ConfigureAwait(false);
                if (operation is null or TransactionInfo.OverwriteOperation or TransactionInfo.RestoreOperation)
                {
                    var what = operation is null ? "a change without a transaction" : operation == TransactionInfo.OverwriteOperation ? "an overwrite" : "a restore";
                    throw new LanceCommitConflictException(
                        string.Create(CultureInfo.InvariantCulture, $"Version {version} is {what}, which an append based on version {request.ReadVersion} cannot be rebased on."),
                        request.TablePath,
                        request.ReadVersion);
                }
            }
        }

        return latest ?? throw new LanceCommitConflictException("The version this commit lost to is not readable.", request.TablePath, request.ReadVersion);
    }

    private static async Task<int?> ReadOperationAsync(string tablePath, LoadedManifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.InlineTransaction is { } inline)
        {
            return TransactionInfo.Decode(inline).Operation;
        }

        if (!string.IsNullOrEmpty(manifest.Manifest.TransactionFile))
        {
            var path = Path.Combine(tablePath, TableLayout.TransactionsDirectory, manifest.Manifest.TransactionFile);
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return TransactionInfo.Decode(bytes).Operation;
        }

        return null;
    }

    private static ManifestInfo Build(CommitRequest request, LoadedManifest? current, ulong version, string transactionFile)
    {
        ManifestInfo manifest;
        if (current is not null)
        {
            // Another writer may have committed a version with features this library cannot carry over.
            TableFeatures.EnsureWritable(current);
        }

        if (request.Operation == TransactionInfo.AppendOperation && current is not null)
        {
            manifest = ManifestInfo.Decode(current.Manifest.Encode());
        }
        else
        {
            manifest = new ManifestInfo
            {
                DataFormat = "lance",
                DataFormatVersion = request.DataFormatVersion,
            };
            manifest.Fields.AddRange(request.Schema);
            foreach (var (key, value) in request.SchemaMetadata)
            {
                manifest.SchemaMetadata[key] = value;
            }

            if (current is not null)
            {
                foreach (var (key, value) in current.Manifest.Config)
                {
                    manifest.Config[key] = value;
                }

                foreach (var (key, value) in current.Manifest.TableMetadata)
                {
                    manifest.TableMetadata[key] = value;
                }

                manifest.MaxFragmentId = current.Manifest.MaxFragmentId;
                if (manifest.MaxFragmentId is null && current.Manifest.Fragments.Count > 0)
                {
                    manifest.MaxFragmentId = (uint)current.Manifest.Fragments.Max(f => f.Id);
                }

                if (manifest.Config.Count > 0)
                {
                    manifest.WriterFeatureFlags |= TableFeatures.TableConfig;
                }
            }
        }

        long next = manifest.MaxFragmentId is { } max ? (long)max + 1 : manifest.Fragments.Count == 0 ? 0 : (long)manifest.Fragments.Max(f => f.Id) + 1;
        foreach (var fragment in request.NewFragments)
        {
            var copy = FragmentInfo.Read(Encode(fragment));
            copy.Id = (ulong)next;
            manifest.Fragments.Add(copy);
            manifest.MaxFragmentId = (uint)next;
            next++;
        }

        manifest.Version = version;
        manifest.Timestamp = request.TimeProvider.GetUtcNow();
        manifest.WriterLibrary = LanceWriteDefaults.WriterLibrary;
        manifest.WriterLibraryVersion = LibraryVersion;
        manifest.TransactionFile = transactionFile;
        return manifest;
    }

    private static FragmentInfo CloneWithoutId(FragmentInfo fragment)
    {
        var copy = FragmentInfo.Read(Encode(fragment));
        copy.Id = 0;
        return copy;
    }

    private static byte[] Encode(FragmentInfo fragment)
    {
        var w = new Protobuf.ProtoWriter();
        fragment.WriteTo(w);
        return w.ToArray();
    }

    /// <summary>Replaces the version hint; a hint that cannot be written is left to readers to do without.</summary>
    private static void WriteVersionHint(IDurableFileSystem fileSystem, string versionsDirectory, ulong version)
    {
        var bytes = new UTF8Encoding(false).GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"version\":{version}}}"));
        var staging = Path.Combine(versionsDirectory, $".tmp-hint-{Guid.NewGuid():N}");
        try
        {
            DurableFile.WriteTemp(fileSystem, staging, stream => stream.Write(bytes));
            DurableFile.Publish(fileSystem, staging, Path.Combine(versionsDirectory, TableLayout.VersionHintFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // WriteTemp and Publish have already removed the staging file on failure.
        }
    }

    private static string StagingPath(string directory) => Path.Combine(directory, $".tmp-{Guid.NewGuid():N}");
}
