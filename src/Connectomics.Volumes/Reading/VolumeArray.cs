using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Volumes.Reading;

/// <summary>
/// Reads boxes of voxels from a chunked array of rank 3 (<c>[z, y, x]</c>) or 4 (<c>[c, z, y, x]</c>): the chunks a
/// box needs are read in parallel (up to <see cref="VolumeReadOptions.ReadConcurrency"/> at once), through a
/// <see cref="ChunkCache"/>, with transient failures retried; voxels outside the array are padded by a
/// <see cref="Boundary"/> rule.
/// </summary>
/// <remarks>Thread-safe: concurrent reads share the concurrency limit, the cache and its single-flight reads.</remarks>
public sealed class VolumeArray
{
    private readonly VolumeReadOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly VolumeMetrics _metrics;
    private readonly SemaphoreSlim _slots;
    private readonly VolumeGeometry _geometry;

    /// <summary>Wraps an array.</summary>
    /// <param name="array">The array.</param>
    /// <param name="cache">The chunk cache (may be shared by several arrays); <see langword="null"/> for a cache of its
    /// own of <see cref="ChunkCache.DefaultMaxBytes"/>.</param>
    /// <param name="options">The read options; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock that retry back-offs wait on; <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">The meter factory; <see langword="null"/> for the process-wide <c>Connectomics</c> meter.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The array is not of rank 3 or 4.</exception>
    public VolumeArray(
        IChunkedArray array,
        ChunkCache? cache = null,
        VolumeReadOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        options ??= new VolumeReadOptions();
        options.Validate();
        Array = array;
        _geometry = VolumeGeometry.From(array.Info);
        _options = new VolumeReadOptions
        {
            ReadConcurrency = options.ReadConcurrency,
            Retries = options.Retries,
            RetryBaseDelay = options.RetryBaseDelay,
            RetryMaxDelay = options.RetryMaxDelay,
        };
        Cache = cache ?? new ChunkCache(ChunkCache.DefaultMaxBytes, meterFactory);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<VolumeArray>();
        _metrics = VolumeMetrics.For(meterFactory);
        _slots = new SemaphoreSlim(_options.ReadConcurrency, _options.ReadConcurrency);
    }

    /// <summary>Gets the wrapped array.</summary>
    public IChunkedArray Array { get; }

    /// <summary>Gets the array's shape, chunking, element type and fill value.</summary>
    public ChunkedArrayInfo Info => Array.Info;

    /// <summary>Gets the chunk cache.</summary>
    public ChunkCache Cache { get; }

    /// <summary>Gets the extent of the spatial axes (the last three).</summary>
    public Index3 Shape => _geometry.Shape;

    /// <summary>Gets the spatial extent of a chunk.</summary>
    public Index3 ChunkShape => _geometry.ChunkShape;

    /// <summary>Gets the number of channels (1 when the array has no channel axis).</summary>
    public int Channels => _geometry.Channels;

    /// <summary>Gets whether the array has a leading channel axis (rank 4).</summary>
    public bool HasChannelAxis => _geometry.HasChannelAxis;

    /// <summary>Gets the number of bytes one read of <paramref name="box"/> returns (all channels).</summary>
    /// <param name="box">The box.</param>
    /// <returns>The bytes.</returns>
    public long RegionByteCount(Box3 box) => checked(box.VoxelCount * Channels * Info.DataType.ByteSize());

    /// <summary>
    /// Gets the most memory the reading engine holds for one array while reads of boxes of
    /// <paramref name="readBoxSize"/> run: the cache's limit, one chunk per concurrent chunk read, and one read's
    /// output buffer.
    /// </summary>
    /// <param name="readBoxSize">The extent of the boxes read (a block's read box).</param>
    /// <param name="concurrentReads">How many boxes are read (and their buffers held) at once.</param>
    /// <returns>The bound, in bytes.</returns>
    public long WorstCaseMemoryBytes(Index3 readBoxSize, int concurrentReads = 1) =>
        WorstCaseMemoryBytes(Info, Cache.MaxBytes, _options.ReadConcurrency, readBoxSize, concurrentReads);

    /// <summary>
    /// Gets the most memory the reading engine holds for an array before it is wrapped (for a pipeline's memory check):
    /// <paramref name="cacheMaxBytes"/>, plus <paramref name="readConcurrency"/> whole decoded chunks (chunks being
    /// read, decoded or copied, possibly outside the cache), plus <paramref name="concurrentReads"/> output buffers of
    /// <paramref name="readBoxSize"/> with all channels.
    /// </summary>
    /// <param name="info">The array.</param>
    /// <param name="cacheMaxBytes">The cache's limit.</param>
    /// <param name="readConcurrency">The read concurrency.</param>
    /// <param name="readBoxSize">The extent of the boxes read.</param>
    /// <param name="concurrentReads">How many boxes are read (and their buffers held) at once.</param>
    /// <returns>The bound, in bytes.</returns>
    public static long WorstCaseMemoryBytes(ChunkedArrayInfo info, long cacheMaxBytes, int readConcurrency, Index3 readBoxSize, int concurrentReads = 1)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentOutOfRangeException.ThrowIfNegative(cacheMaxBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(readConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentReads, 1);
        var geometry = VolumeGeometry.From(info);
        var chunkBytes = checked(geometry.ChunkElementCount * info.DataType.ByteSize());
        var regionBytes = checked(Box3.FromShape(Index3.Max(readBoxSize, Index3.Zero)).VoxelCount * geometry.Channels * info.DataType.ByteSize());
        return checked(cacheMaxBytes + (readConcurrency * chunkBytes) + (concurrentReads * regionBytes));
    }

    /// <summary>Reads a box of voxels, all channels.</summary>
    /// <typeparam name="T">The element type: <see cref="VoxelTypeExtensions.ClrType"/> of the array's type.</typeparam>
    /// <param name="box">The box, in array voxel coordinates; it may reach outside the array.</param>
    /// <param name="boundary">What voxels outside the array read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The voxels.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the array's element type, or the box is too
    /// large for one buffer.</exception>
    /// <exception cref="VolumeDataException">A chunk is corrupt (never retried); names the chunk key.</exception>
    /// <exception cref="IOException">A chunk read failed after the retries; names the chunk key.</exception>
    public async ValueTask<VolumeRegion<T>> ReadAsync<T>(Box3 box, Boundary boundary = Boundary.Fill, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        CheckElementType<T>();
        var elements = checked(box.VoxelCount * Channels);
        if (elements > System.Array.MaxLength)
        {
            throw new ArgumentException($"{Info.Location}: the box {box} holds {elements} elements, more than one buffer can hold; read it in parts.", nameof(box));
        }

        var data = new T[elements];
        await ReadIntoAsync<T>(box, data, boundary, cancellationToken).ConfigureAwait(false);
        return new VolumeRegion<T>(box, Channels, HasChannelAxis, data);
    }

    /// <summary>Reads a box of voxels, all channels, into a buffer of the caller's (pooled, for instance).</summary>
    /// <typeparam name="T">The element type: <see cref="VoxelTypeExtensions.ClrType"/> of the array's type.</typeparam>
    /// <param name="box">The box, in array voxel coordinates; it may reach outside the array.</param>
    /// <param name="destination">The output: C order over <c>[z, y, x]</c> of the box, or <c>[c, z, y, x]</c> with a
    /// channel axis; exactly <see cref="Channels"/> × the box's voxel count elements.</param>
    /// <param name="boundary">What voxels outside the array read.</param>
    /// <param name="cancellationToken">Cancels the read; the buffer's content is then undefined.</param>
    /// <returns>A task that completes when the buffer is filled.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the array's element type, or the buffer has
    /// the wrong length.</exception>
    /// <exception cref="VolumeDataException">A chunk is corrupt (never retried); names the chunk key.</exception>
    /// <exception cref="IOException">A chunk read failed after the retries; names the chunk key.</exception>
    public async ValueTask ReadIntoAsync<T>(Box3 box, Memory<T> destination, Boundary boundary = Boundary.Fill, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        CheckElementType<T>();
        CheckBoundary(boundary);
        var elements = checked(box.VoxelCount * Channels);
        if (destination.Length != elements)
        {
            throw new ArgumentException(
                $"{Info.Location}: reading {box} ({Channels} channel(s)) needs a buffer of {elements} elements, not {destination.Length}.", nameof(destination));
        }

        if (elements == 0)
        {
            return;
        }

        var plan = ReadPlan.Create(_geometry, box, boundary);
        var fill = MemoryMarshal.Read<T>(Info.FillValue.Span);
        if (plan.NeedsFill)
        {
            destination.Span.Fill(fill);
        }

        await ForEachChunkAsync(plan.Chunks, async (index, token) =>
        {
            var chunk = await GetChunkAsync(index, token).ConfigureAwait(false);
            plan.Copy(index, chunk, chunk is not null, fill, destination.Span);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gets whether a read of <paramref name="box"/> returns only the fill value because every chunk it reads is not
    /// stored or holds the fill value alone (compared bit for bit, over the part of each chunk inside the array). Chunks
    /// that are not stored are known without decoding; stored ones are decoded through the cache (where the read of the
    /// box will find them). Stops at the first chunk that holds other values.
    /// </summary>
    /// <param name="box">The box, in array voxel coordinates; it may reach outside the array.</param>
    /// <param name="boundary">What voxels outside the array read.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether the box is empty.</returns>
    /// <exception cref="VolumeDataException">A chunk is corrupt.</exception>
    /// <exception cref="IOException">A chunk read failed after the retries.</exception>
    public async ValueTask<bool> IsEmptyAsync(Box3 box, Boundary boundary = Boundary.Fill, CancellationToken cancellationToken = default)
    {
        CheckBoundary(boundary);
        var plan = ReadPlan.Create(_geometry, box, boundary);
        using var found = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var nonEmpty = 0;
        try
        {
            await ForEachChunkAsync(plan.Chunks, async (index, _) =>
            {
                // Once a chunk with other values is found no new read starts, but reads in flight finish (with the
                // caller's token only) and stay cached: the block is likely read next.
                if (Volatile.Read(ref nonEmpty) == 1)
                {
                    return;
                }

                var chunk = await GetChunkAsync(index, cancellationToken).ConfigureAwait(false);
                if (chunk is not null && !HoldsFillOnly(index, chunk))
                {
                    Interlocked.Exchange(ref nonEmpty, 1);
                    await found.CancelAsync().ConfigureAwait(false);
                }
            }, found.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Volatile.Read(ref nonEmpty) == 1 && !cancellationToken.IsCancellationRequested)
        {
        }

        return Volatile.Read(ref nonEmpty) == 0;
    }

    /// <summary>Gets the chunks a read of <paramref name="box"/> takes voxels from, C order of the chunk grid.</summary>
    /// <param name="box">The box.</param>
    /// <param name="boundary">What voxels outside the array read.</param>
    /// <returns>The chunk indices (one coordinate per array axis).</returns>
    public IReadOnlyList<long[]> ChunksRead(Box3 box, Boundary boundary = Boundary.Fill)
    {
        CheckBoundary(boundary);
        return ReadPlan.Create(_geometry, box, boundary).Chunks;
    }

    private async ValueTask ForEachChunkAsync(IReadOnlyList<long[]> chunks, Func<long[], CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        if (chunks.Count == 0)
        {
            return;
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ReadConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(chunks, parallel, async (index, token) =>
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
            try
            {
                await body(index, token).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }
        }).ConfigureAwait(false);
    }

    private ValueTask<byte[]?> GetChunkAsync(long[] index, CancellationToken cancellationToken) =>
        Cache.GetOrLoadAsync(Array, index, token => LoadChunkAsync(index, token), cancellationToken);

    private async ValueTask<byte[]?> LoadChunkAsync(long[] index, CancellationToken cancellationToken)
    {
        var attempts = _options.Retries + 1;
        for (var attempt = 1; ; attempt++)
        {
            var started = _timeProvider.GetTimestamp();
            byte[]? chunk;
            try
            {
                chunk = await Array.ReadChunkAsync(index, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException invalid)
            {
                throw Corrupt(index, invalid.Message, invalid);
            }
            catch (VolumeDataException corrupt)
            {
                ReadingLog.ChunkCorrupt(_logger, Info.Location, corrupt.ChunkKey, corrupt.Message);
                throw;
            }
            catch (Exception failure) when (TransientFailure.IsTransient(failure, cancellationToken))
            {
                var key = Array.ChunkKey(index);
                var reason = $"{failure.GetType().Name}: {failure.Message}";
                if (attempt >= attempts)
                {
                    ReadingLog.ChunkReadFailed(_logger, Info.Location, key, attempts, reason);
                    throw new IOException($"{Info.Location}, chunk {key}: the read failed {attempts} time(s); last: {reason}", failure);
                }

                var delay = RetryDelay(attempt);
                _metrics.Retried(failure.GetType().Name);
                ReadingLog.ChunkReadRetried(_logger, Info.Location, key, reason, attempt + 1, attempts, delay.TotalMilliseconds);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _metrics.ChunkRead(chunk is not null, chunk?.LongLength ?? 0, _timeProvider.GetElapsedTime(started));
            if (chunk is not null && chunk.LongLength != Info.ChunkByteCount)
            {
                throw Corrupt(index, $"it decoded to {chunk.LongLength} bytes, not the {Info.ChunkByteCount} of a chunk [{string.Join(", ", Info.ChunkShape)}] of {Info.DataType}.", null);
            }

            return chunk;
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (0.5 * Random.Shared.NextDouble())));
    }

    private VolumeDataException Corrupt(long[] index, string reason, Exception? inner)
    {
        var key = Array.ChunkKey(index);
        ReadingLog.ChunkCorrupt(_logger, Info.Location, key, reason);
        return new VolumeDataException(Info.Location, key, reason, inner);
    }

    private bool HoldsFillOnly(long[] index, byte[] chunk)
    {
        var elementSize = Info.DataType.ByteSize();
        var fill = Info.FillValue.Span;
        var lead = HasChannelAxis ? 1 : 0;
        var chunkShape = _geometry.ChunkShape;
        var inside = Index3.Min(chunkShape, Shape - new Index3(index[lead] * chunkShape.Z, index[lead + 1] * chunkShape.Y, index[lead + 2] * chunkShape.X));
        var channels = Math.Min(_geometry.ChunkChannels, Channels - (lead == 1 ? (int)index[0] * _geometry.ChunkChannels : 0));
        var rowBytes = (int)inside.X * elementSize;
        var pattern = new byte[rowBytes];
        for (var offset = 0; offset < rowBytes; offset += elementSize)
        {
            fill.CopyTo(pattern.AsSpan(offset, elementSize));
        }

        var zeros = pattern.AsSpan().IndexOfAnyExcept((byte)0) < 0;
        for (var channel = 0; channel < channels; channel++)
        {
            for (var z = 0L; z < inside.Z; z++)
            {
                for (var y = 0L; y < inside.Y; y++)
                {
                    var row = chunk.AsSpan((int)((((channel * chunkShape.Z) + z) * chunkShape.Y + y) * chunkShape.X * elementSize), rowBytes);
                    if (zeros ? row.IndexOfAnyExcept((byte)0) >= 0 : !row.SequenceEqual(pattern))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private void CheckElementType<T>()
        where T : unmanaged
    {
        if (typeof(T) != Info.DataType.ClrType())
        {
            throw new ArgumentException(
                $"{Info.Location} holds {Info.DataType} ({Info.DataType.ClrType().Name}); read it as {Info.DataType.ClrType().Name}, not {typeof(T).Name}.");
        }
    }

    private static void CheckBoundary(Boundary boundary)
    {
        if (!Enum.IsDefined(boundary))
        {
            throw new ArgumentOutOfRangeException(nameof(boundary), boundary, "Not a boundary rule.");
        }
    }
}
