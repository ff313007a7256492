using System.Globalization;
using System.Threading;
using Connectomics.Durability;

namespace Connectomics.Lora.Logging;

/// <summary>
/// Writes scalars to a TensorBoard event file (<c>events.out.tfevents.{unix seconds}.{host}.{pid}.{n}</c>) in a log
/// directory: TFRecord framing with masked CRC-32C checksums, a first event with <c>file_version</c>
/// <c>brain.Event:2</c>, then one event per scalar with its wall time, step and <c>simple_value</c>. TensorBoard
/// opens the directory as a run.
/// </summary>
/// <remarks>
/// <para>
/// Scalars are buffered in memory; <see cref="Flush"/> hands them to the operating system, so that a TensorBoard
/// watching the directory sees them, and <see cref="Dispose"/> writes what is left and flushes the file and its
/// directory to storage. Every event is written whole or, after a crash, cut at the end, which TensorBoard reads
/// past. The first event is flushed to storage when the file is created.
/// </para>
/// <para>The methods are thread-safe.</para>
/// </remarks>
public sealed class TensorBoardEventWriter : IDisposable
{
    /// <summary>The <c>file_version</c> of the first event, which TensorBoard checks.</summary>
    public const string FileVersion = "brain.Event:2";

    private const int BufferSize = 1 << 16;
    private static long s_fileCounter;

    private readonly Lock _lock = new();
    private readonly FileStream _stream;
    private readonly TimeProvider _timeProvider;
    private bool _disposed;

    private TensorBoardEventWriter(FileStream stream, TimeProvider timeProvider)
    {
        _stream = stream;
        _timeProvider = timeProvider;
    }

    /// <summary>Gets the full path of the event file.</summary>
    public string FilePath => _stream.Name;

    /// <summary>Creates a new event file in <paramref name="logDirectory"/> (created if missing) and writes its
    /// first event.</summary>
    /// <param name="logDirectory">The run's log directory, the one to point TensorBoard at (or a folder below it).</param>
    /// <param name="timeProvider">The clock of the wall times and of the file name; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The writer; dispose it to close the file.</returns>
    /// <exception cref="IOException">The directory or the file cannot be created or written; the message names it.</exception>
    public static TensorBoardEventWriter Create(string logDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDirectory);
        timeProvider ??= TimeProvider.System;
        var fileSystem = OperatingSystemFileSystem.Instance;
        var directory = Path.GetFullPath(logDirectory);
        try
        {
            DurableFile.CreateDirectory(fileSystem, directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the TensorBoard log directory '{directory}': {error.Message}", error);
        }

        var now = timeProvider.GetUtcNow();
        var host = Environment.MachineName;
        var pid = Environment.ProcessId;
        FileStream? stream = null;
        for (var attempt = 0; stream is null; attempt++)
        {
            var number = Interlocked.Increment(ref s_fileCounter);
            var path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{now.ToUnixTimeSeconds():D10}.{host}.{pid}.{number}"));
            try
            {
                stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.Read,
                    BufferSize = BufferSize,
                });
            }
            catch (IOException) when (attempt < 100 && File.Exists(path))
            {
                // Another writer took the name; the counter gives the next one.
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot create the TensorBoard event file '{path}': {error.Message}", error);
            }
        }

        var writer = new TensorBoardEventWriter(stream, timeProvider);
        try
        {
            TfRecordFraming.Write(stream, TensorBoardEventEncoding.FileVersionEvent(WallTime(now), FileVersion));
            fileSystem.FlushFile(stream);
            fileSystem.FlushDirectory(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            DurableFile.DeleteQuietly(fileSystem, stream.Name);
            throw new IOException($"Cannot write the TensorBoard event file '{stream.Name}': {error.Message}", error);
        }

        return writer;
    }

    /// <summary>Adds a scalar event stamped with the current wall time.</summary>
    /// <param name="tag">The scalar's name, for example <c>train/loss</c>; slashes group charts in TensorBoard.</param>
    /// <param name="value">The value; NaN and infinities are written as they are.</param>
    /// <param name="step">The global step, the chart's x axis.</param>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is empty.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names it.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void WriteScalar(string tag, float value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var record = TensorBoardEventEncoding.ScalarEvent(WallTime(_timeProvider.GetUtcNow()), step, tag, value);
            Guard(() => TfRecordFraming.Write(_stream, record));
        }
    }

    /// <summary>Hands the buffered events to the operating system, where TensorBoard can read them.</summary>
    /// <exception cref="IOException">The file cannot be written; the message names it.</exception>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    public void Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Guard(() => _stream.Flush(flushToDisk: false));
        }
    }

    /// <summary>Writes the buffered events, flushes the file to storage and closes it.</summary>
    /// <exception cref="IOException">The last events cannot be written or flushed; the message names the file, which is closed all the same.</exception>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                Guard(() => OperatingSystemFileSystem.Instance.FlushFile(_stream));
            }
            finally
            {
                _stream.Dispose();
            }
        }
    }

    private static double WallTime(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    private void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException error) when (!error.Message.Contains(_stream.Name, StringComparison.Ordinal))
        {
            throw new IOException($"Cannot write the TensorBoard event file '{_stream.Name}': {error.Message}", error);
        }
    }
}
