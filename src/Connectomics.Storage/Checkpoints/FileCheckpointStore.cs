using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Connectomics.Checkpoints;
using Connectomics.Durability;
using Connectomics.Storage.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Storage.Checkpoints;

/// <summary>
/// An <see cref="ICheckpointStore"/> that keeps each run's state in a small file in its own directory,
/// <c>{root}/{runId}/</c>, together with the previous good state.
/// </summary>
/// <remarks>
/// <para>
/// A save writes the new state to a uniquely named temporary file in the run directory and flushes it to storage
/// (<c>fsync</c>). It then renames the current file <c>state.json</c> to <c>state.prev.json</c> (only if the current
/// file is intact), renames the temporary file to <c>state.json</c>, and on Linux flushes the directory so the
/// renames are durable too. Each rename is atomic, so a crash at any point leaves the new state, the old state as
/// <c>state.json</c>, or the old state as <c>state.prev.json</c> with no <c>state.json</c>.
/// </para>
/// <para>
/// A load reads <c>state.json</c> and verifies its format version and SHA-256 checksum. When it is missing, torn or
/// damaged, the store logs a warning and returns the state in <c>state.prev.json</c>. Temporary files left by
/// interrupted saves are never read; the first load or save through a store removes them.
/// </para>
/// <para>
/// The store is safe to use from several threads; saves through stores of the same run directory in one process
/// are applied one at a time, and the last one to be applied wins. A run's state must be saved by one process at a
/// time (shards of a job use distinct run ids).
/// </para>
/// </remarks>
public sealed class FileCheckpointStore : ICheckpointStore
{
    /// <summary>The name of the file that holds the latest state.</summary>
    public const string CurrentFileName = "state.json";

    /// <summary>The name of the file that holds the state saved before the latest one.</summary>
    public const string PreviousFileName = "state.prev.json";

    private const string TempFilePrefix = "state.";
    private const string TempFileSuffix = ".tmp";

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates =
        new(OperatingSystem.IsLinux() ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly StorageTelemetry _telemetry;
    private readonly SemaphoreSlim _gate;
    private readonly IDurableFileSystem _fileSystem;
    private bool _tempFilesRemoved;

    /// <summary>Initializes a new store for one run.</summary>
    /// <param name="rootDirectory">The directory under which each run has its own directory; created when first saved to.</param>
    /// <param name="runId">The run's identifier: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, at most 128 characters, not <c>.</c> or <c>..</c>.</param>
    /// <param name="timeProvider">The clock that stamps <see cref="CheckpointState.SavedAt"/>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives warnings about damaged state; nothing is logged when null.</param>
    /// <exception cref="ArgumentException">The root directory is empty or the run id is not a valid directory name.</exception>
    public FileCheckpointStore(string rootDirectory, string runId, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(rootDirectory, runId, timeProvider, logger, StorageTelemetry.Shared, OperatingSystemFileSystem.Instance)
    {
    }

    /// <summary>Initializes a new store for the run that the options name.</summary>
    /// <param name="options">The root directory and the run id.</param>
    /// <param name="timeProvider">The clock that stamps <see cref="CheckpointState.SavedAt"/>; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Creates the logger of saves, loads and damaged files; nothing is logged when null.</param>
    /// <param name="meterFactory">Creates the <c>Connectomics.Storage</c> meter the store records on; a process-wide meter when null.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public FileCheckpointStore(FileCheckpointStoreOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : this(
            Validated(options).Directory,
            options.RunId,
            timeProvider,
            loggerFactory?.CreateLogger<FileCheckpointStore>(),
            meterFactory is null ? StorageTelemetry.Shared : new StorageTelemetry(meterFactory),
            OperatingSystemFileSystem.Instance)
    {
    }

    /// <summary>Initializes a new store for one run that makes its file-system calls through <paramref name="fileSystem"/>.</summary>
    /// <param name="rootDirectory">The directory under which each run has its own directory.</param>
    /// <param name="runId">The run's identifier.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives warnings about damaged state; nothing is logged when null.</param>
    /// <param name="telemetry">The metrics the store records on.</param>
    /// <param name="fileSystem">Creates, flushes and renames the files.</param>
    internal FileCheckpointStore(string rootDirectory, string runId, TimeProvider? timeProvider, ILogger? logger, StorageTelemetry telemetry, IDurableFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        ValidateRunId(runId);
        RunId = runId;
        RunDirectory = Path.GetFullPath(Path.Combine(rootDirectory, runId));
        CurrentPath = Path.Combine(RunDirectory, CurrentFileName);
        PreviousPath = Path.Combine(RunDirectory, PreviousFileName);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _telemetry = telemetry;
        _gate = Gates.GetOrAdd(RunDirectory, static _ => new SemaphoreSlim(1, 1));
        _fileSystem = fileSystem;
    }

    /// <inheritdoc/>
    public string RunId { get; }

    /// <summary>Gets the full path of the run's directory.</summary>
    public string RunDirectory { get; }

    /// <summary>Gets the full path of the file that holds the latest state.</summary>
    public string CurrentPath { get; }

    /// <summary>Gets the full path of the file that holds the state saved before the latest one.</summary>
    public string PreviousPath { get; }

    /// <inheritdoc/>
    public async Task<CheckpointState?> LoadAsync(CancellationToken cancellationToken = default)
    {
        await RemoveTempFilesOnceAsync(cancellationToken).ConfigureAwait(false);

        var current = await ReadAsync(CurrentPath, cancellationToken).ConfigureAwait(false);
        switch (current.Status)
        {
            case CheckpointFileStatus.Intact:
                var loaded = OfThisRun(current.State!, CurrentPath);
                _telemetry.CheckpointLoaded("current");
                Log.CheckpointLoaded(_logger, RunId, CurrentPath, loaded.StoreVersion);
                return loaded;
            case CheckpointFileStatus.NewerFormat:
                throw new UnsupportedCheckpointFormatException(CurrentPath, current.FormatVersion, CheckpointFile.CurrentFormatVersion);
            case CheckpointFileStatus.Damaged:
                _telemetry.CheckpointDamaged();
                Log.CheckpointDamaged(_logger, RunId, CurrentPath, current.Reason!);
                break;
            default:
                break;
        }

        var previous = await ReadAsync(PreviousPath, cancellationToken).ConfigureAwait(false);
        switch (previous.Status)
        {
            case CheckpointFileStatus.Intact:
                if (current.Status == CheckpointFileStatus.Missing)
                {
                    Log.CheckpointMissingUsingPrevious(_logger, RunId, CurrentPath);
                }

                var fallback = OfThisRun(previous.State!, PreviousPath);
                _telemetry.CheckpointLoaded("previous");
                Log.CheckpointPreviousUsed(_logger, RunId, PreviousPath, fallback.StoreVersion);
                return fallback;
            case CheckpointFileStatus.NewerFormat:
                throw new UnsupportedCheckpointFormatException(PreviousPath, previous.FormatVersion, CheckpointFile.CurrentFormatVersion);
            case CheckpointFileStatus.Damaged when current.Status == CheckpointFileStatus.Damaged:
                throw new CheckpointCorruptedException(
                    $"Both checkpoint files of run '{RunId}' are damaged: '{CurrentPath}' ({current.Reason}) and '{PreviousPath}' ({previous.Reason}).",
                    CurrentPath);
            case CheckpointFileStatus.Damaged:
                throw new CheckpointCorruptedException(
                    $"Checkpoint '{PreviousPath}' of run '{RunId}' is damaged ({previous.Reason}) and '{CurrentPath}' is missing.",
                    PreviousPath);
            default:
                if (current.Status == CheckpointFileStatus.Damaged)
                {
                    throw new CheckpointCorruptedException(
                        $"Checkpoint '{CurrentPath}' of run '{RunId}' is damaged ({current.Reason}) and there is no previous state to use.",
                        CurrentPath);
                }

                _telemetry.CheckpointLoaded("none");
                Log.CheckpointNotFound(_logger, RunId, RunDirectory);
                return null;
        }
    }

    /// <inheritdoc/>
    public async Task<CheckpointState> SaveAsync(CheckpointState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!string.Equals(state.RunId, RunId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The state belongs to run '{state.RunId}', but this store holds run '{RunId}'.", nameof(state));
        }

        var saved = state with { SavedAt = _timeProvider.GetUtcNow() };
        var bytes = CheckpointFile.Serialize(saved);
        if (bytes.Length > CheckpointFile.MaxFileBytes)
        {
            throw new ArgumentException($"The state takes {bytes.Length} bytes; a checkpoint holds at most {CheckpointFile.MaxFileBytes} (keep the position small).", nameof(state));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DurableFile.CreateDirectory(_fileSystem, RunDirectory);

            RemoveTempFiles();

            var tempPath = Path.Combine(RunDirectory, $"{TempFilePrefix}{Guid.NewGuid():N}{TempFileSuffix}");
            try
            {
                await DurableFile.WriteTempAsync(_fileSystem, tempPath, bytes, cancellationToken).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();

                var current = await ReadAsync(CurrentPath, CancellationToken.None).ConfigureAwait(false);
                switch (current.Status)
                {
                    case CheckpointFileStatus.Intact:
                        _fileSystem.Rename(CurrentPath, PreviousPath);
                        break;
                    case CheckpointFileStatus.NewerFormat:
                        throw new UnsupportedCheckpointFormatException(CurrentPath, current.FormatVersion, CheckpointFile.CurrentFormatVersion);
                    case CheckpointFileStatus.Damaged:
                        _telemetry.CheckpointDamaged();
                        Log.CheckpointDamagedNotKept(_logger, RunId, CurrentPath, current.Reason!);
                        break;
                    default:
                        break;
                }

                // Renames the new state into place and flushes the directory, making both renames durable.
                DurableFile.Publish(_fileSystem, tempPath, CurrentPath);
            }
            catch
            {
                DurableFile.DeleteQuietly(_fileSystem, tempPath);
                throw;
            }

            _telemetry.CheckpointSaved();
            Log.CheckpointSaved(_logger, RunId, CurrentPath, saved.StoreVersion);
            return saved;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static FileCheckpointStoreOptions Validated(FileCheckpointStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    private static void ValidateRunId(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (runId.Length > 128 || runId is "." or ".." || !runId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException(
                $"The run id '{runId}' is not a valid directory name: use letters, digits, '-', '_' and '.', at most 128 characters, not '.' or '..'.",
                nameof(runId));
        }
    }

    private CheckpointState OfThisRun(CheckpointState state, string path) =>
        string.Equals(state.RunId, RunId, StringComparison.Ordinal)
            ? state
            : throw new CheckpointCorruptedException($"Checkpoint '{path}' holds the state of run '{state.RunId}', not of run '{RunId}'.", path);

    private static async Task<CheckpointFileContent> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous,
            });
            await using (stream.ConfigureAwait(false))
            {
                if (stream.Length > CheckpointFile.MaxFileBytes)
                {
                    return CheckpointFileContent.Damaged($"the file is {stream.Length} bytes, larger than any state file");
                }

                bytes = new byte[stream.Length];
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return CheckpointFileContent.Missing;
        }
        catch (EndOfStreamException)
        {
            return CheckpointFileContent.Damaged("the file ended while it was read");
        }

        return CheckpointFile.Parse(bytes);
    }

    private async Task RemoveTempFilesOnceAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _tempFilesRemoved))
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RemoveTempFiles();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes the temporary files of interrupted saves; called under the run's gate, so none is in use.</summary>
    private void RemoveTempFiles()
    {
        if (_tempFilesRemoved)
        {
            return;
        }

        if (Directory.Exists(RunDirectory))
        {
            foreach (var path in Directory.EnumerateFiles(RunDirectory, $"{TempFilePrefix}*{TempFileSuffix}"))
            {
                File.Delete(path);
                Log.CheckpointTempRemoved(_logger, RunId, path);
            }
        }

        Volatile.Write(ref _tempFilesRemoved, true);
    }
}
