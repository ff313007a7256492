using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Precomputed;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V2;
using Connectomics.Volumes.Zarr.V3;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Volumes.Conversion;

/// <summary>
/// Copies a whole array into a new Zarr v2, Zarr v3 (optionally sharded) or Neuroglancer precomputed (raw) array,
/// streamed one destination write unit (a chunk, or a whole shard) at a time, so nothing is written twice: each unit's
/// voxels are read through a <see cref="VolumeArray"/> with a bounded chunk cache, encoded and stored atomically, up to
/// <see cref="VolumeConversionOptions.Concurrency"/> units at once.
/// </summary>
/// <remarks>
/// <para>Memory is bounded by configuration (<see cref="MemoryBoundBytes"/>): the cache's limit, plus
/// <see cref="VolumeReadOptions.ReadConcurrency"/> decoded source chunks being read, plus for each of the
/// <see cref="VolumeConversionOptions.Concurrency"/> units in flight its read buffer (all channels), its unit buffer
/// where the channels are split, and its encoded copy (at most twice the unit plus 64 KiB). The array's size does not
/// enter it.</para>
/// <para>A unit is written only after all its voxels were read, so a failing source read (a corrupt chunk, a store
/// that keeps failing) stops the conversion with every stored unit whole and correct and the failed one not stored;
/// the conversion then fails naming the source chunk. Thread-safe: one converter may run several conversions.</para>
/// </remarks>
public sealed class VolumeConverter
{
    private readonly VolumeConversionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IMeterFactory? _meterFactory;

    /// <summary>Makes a converter.</summary>
    /// <param name="options">The destination and limits; <see langword="null"/> for the defaults (Zarr v3, blosc-zstd,
    /// the source's chunks). Copied: later changes do not apply.</param>
    /// <param name="timeProvider">The clock for retry back-offs and elapsed times; <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">The meter factory for the reading engine's instruments; <see langword="null"/> for the
    /// process-wide <c>Connectomics</c> meter.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid; the message
    /// lists every failure.</exception>
    public VolumeConverter(VolumeConversionOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        options ??= new VolumeConversionOptions();
        options.Validate();
        _options = new VolumeConversionOptions
        {
            Format = options.Format,
            Codec = options.Codec,
            CompressionLevel = options.CompressionLevel,
            ChunkShape = options.ChunkShape is null ? null : [.. options.ChunkShape],
            ShardShape = options.ShardShape is null ? null : [.. options.ShardShape],
            VoxelSize = options.VoxelSize is null ? null : [.. options.VoxelSize],
            Concurrency = options.Concurrency,
            CacheBytes = options.CacheBytes,
            MaxMemoryBytes = options.MaxMemoryBytes,
            Read = new VolumeReadOptions
            {
                ReadConcurrency = options.Read.ReadConcurrency,
                Retries = options.Read.Retries,
                RetryBaseDelay = options.Read.RetryBaseDelay,
                RetryMaxDelay = options.Read.RetryMaxDelay,
            },
        };
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<VolumeConverter>();
        _meterFactory = meterFactory;
    }

    /// <summary>
    /// Gets the most memory, in bytes, a conversion of <paramref name="source"/> with this converter's options holds:
    /// <see cref="VolumeConversionOptions.CacheBytes"/> + <see cref="VolumeReadOptions.ReadConcurrency"/> × one decoded
    /// source chunk + <see cref="VolumeConversionOptions.Concurrency"/> × (one unit's read buffer with all channels, one
    /// unit buffer where channels are split, and the encoded unit: at most 2 × the unit + 64 KiB).
    /// </summary>
    /// <param name="source">The source array.</param>
    /// <returns>The bound.</returns>
    /// <exception cref="ArgumentException">The options do not fit the source.</exception>
    public long MemoryBoundBytes(ChunkedArrayInfo source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ConversionPlan.Create(source, _options).MemoryBoundBytes;
    }

    /// <summary>
    /// Converts <paramref name="source"/> into a new array at <paramref name="path"/> of <paramref name="destination"/>:
    /// checks everything first (options against the source, the memory bound, an empty and writable destination), then
    /// writes the metadata and every write unit.
    /// </summary>
    /// <param name="source">The array to copy (rank 3, <c>[z, y, x]</c>, or 4, <c>[c, z, y, x]</c>).</param>
    /// <param name="destination">The store to write to.</param>
    /// <param name="path">The new array's path in the store (empty for the store's root); nothing may be there yet.</param>
    /// <param name="progress">Receives a report after each unit stored; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the conversion; units stored stay whole, the one in flight is not stored.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException">The options do not fit the source (rank, shapes, data type, fill value); the
    /// message names the source.</exception>
    /// <exception cref="InvalidOperationException">The memory bound exceeds
    /// <see cref="VolumeConversionOptions.MaxMemoryBytes"/>, the destination is read-only, or something is already at
    /// <paramref name="path"/>. Nothing was written.</exception>
    /// <exception cref="Errors.VolumeDataException">A source chunk is corrupt; names its key. Stored units are whole.</exception>
    /// <exception cref="IOException">A source read failed after its retries, or the destination failed.</exception>
    public async Task<VolumeConversionResult> ConvertAsync(
        IChunkedArray source,
        IKeyValueStore destination,
        string path,
        IProgress<VolumeConversionProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(path);
        var plan = ConversionPlan.Create(source.Info, _options);
        var location = path.Length == 0 ? destination.Location : $"{destination.Location}/{path}";
        if (_options.MaxMemoryBytes is { } limit && plan.MemoryBoundBytes > limit)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Converting {source.Info.Location} needs up to {plan.MemoryBoundBytes} bytes, more than MaxMemoryBytes {limit}: lower the cache, the concurrency or the chunk/shard shape."));
        }

        if (destination.IsReadOnly)
        {
            throw new InvalidOperationException($"{destination.Location} is read-only; the conversion cannot write there.");
        }

        await RequireEmptyAsync(destination, path, location, cancellationToken).ConfigureAwait(false);
        var started = _timeProvider.GetTimestamp();
        var writer = await CreateWriterAsync(plan, destination, path, cancellationToken).ConfigureAwait(false);
        if (!writer.Info.WriteUnitShape.Select(extent => (long)extent).SequenceEqual(UnitShape(plan)))
        {
            throw new InvalidOperationException(
                $"{writer.Info.Location}: the writer's unit [{string.Join(", ", writer.Info.WriteUnitShape)}] is not the planned [{string.Join(", ", UnitShape(plan))}].");
        }

        ConversionLog.ConversionStarted(_logger, source.Info.Location, _options.Format.ToString(), writer.Info.Location, plan.UnitCount,
            string.Join(", ", writer.Info.WriteUnitShape), _options.CodecName, plan.MemoryBoundBytes);
        var volume = new VolumeArray(source, new ChunkCache(_options.CacheBytes, _meterFactory), _options.Read, _timeProvider, _loggerFactory, _meterFactory);
        long done = 0;
        long bytes = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(plan.UnitIndices(), parallel, async (unitIndex, token) =>
        {
            try
            {
                await ConvertUnitAsync(plan, volume, writer, unitIndex, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ConversionLog.UnitFailed(_logger, e, source.Info.Location, writer.Info.Location, ConversionPlan.Describe(unitIndex));
                throw;
            }

            var units = Interlocked.Increment(ref done);
            var total = Interlocked.Add(ref bytes, plan.UnitBytes);
            progress?.Report(new VolumeConversionProgress(units, plan.UnitCount, total, _timeProvider.GetElapsedTime(started)));
        }).ConfigureAwait(false);

        var elapsed = _timeProvider.GetElapsedTime(started);
        ConversionLog.ConversionFinished(_logger, source.Info.Location, writer.Info.Location, plan.UnitCount, elapsed.TotalSeconds);
        return new VolumeConversionResult
        {
            Source = source.Info,
            Destination = writer.Info,
            Units = plan.UnitCount,
            MemoryBoundBytes = plan.MemoryBoundBytes,
            Elapsed = elapsed,
        };
    }

    private static long[] UnitShape(ConversionPlan plan) => plan.HasChannelAxis
        ? [plan.UnitChannels, plan.UnitSpatial.Z, plan.UnitSpatial.Y, plan.UnitSpatial.X]
        : [plan.UnitSpatial.Z, plan.UnitSpatial.Y, plan.UnitSpatial.X];

    private static async Task RequireEmptyAsync(IKeyValueStore destination, string path, string location, CancellationToken cancellationToken)
    {
        var prefix = path.Length == 0 ? string.Empty : StoreKey.Join(path) + "/";
        await foreach (var key in destination.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"{location} is not empty (it holds '{key}'): convert into a new location.");
        }
    }

    private async Task<IChunkedArrayWriter> CreateWriterAsync(ConversionPlan plan, IKeyValueStore destination, string path, CancellationToken cancellationToken)
    {
        var source = plan.Source;
        var codec = _options.CodecName;
        switch (_options.Format)
        {
            case VolumeFormat.ZarrV2:
                return await ZarrV2Array.CreateAsync(destination, path, new ZarrV2ArrayOptions
                {
                    Shape = plan.DestinationShape,
                    Chunks = plan.ChunkShape,
                    DataType = source.DataType,
                    FillValueBytes = source.FillValue,
                    Compressor = ConversionCodecs.ZarrV2Compressor(codec, _options.CompressionLevel),
                }, cancellationToken).ConfigureAwait(false);
            case VolumeFormat.ZarrV3:
                return await ZarrV3Array.CreateAsync(destination, path, new ZarrV3ArrayOptions
                {
                    Shape = plan.DestinationShape,
                    ChunkShape = plan.ChunkShape,
                    ShardShape = plan.ShardShape,
                    DataType = source.DataType,
                    FillValue = ConversionPlan.FillAsDouble(source),
                    Codecs = ConversionCodecs.ZarrV3Codecs(codec, _options.CompressionLevel),
                    DimensionNames = source.DimensionNames is { } names && names.Count == plan.DestinationShape.Length
                        ? [.. names]
                        : plan.HasChannelAxis ? ["c", "z", "y", "x"] : ["z", "y", "x"],
                }, cancellationToken).ConfigureAwait(false);
            default:
                var size = _options.VoxelSize ?? [1d, 1d, 1d];
                var chunk = plan.ChunkShape;
                var scale = new PrecomputedScale
                {
                    Key = string.Create(CultureInfo.InvariantCulture, $"{size[2]:R}_{size[1]:R}_{size[0]:R}"),
                    Size = plan.SpatialShape,
                    Resolution = [.. size],
                    ChunkSize = new(chunk[^3], chunk[^2], chunk[^1]),
                };
                var options = new PrecomputedWriterOptions
                {
                    DataType = source.DataType,
                    NumChannels = plan.SourceChannels,
                    Compress = codec == "gzip",
                    CompressionLevel = _options.CompressionLevel switch
                    {
                        null or (>= 1 and <= 5) => System.IO.Compression.CompressionLevel.Fastest,
                        0 => System.IO.Compression.CompressionLevel.NoCompression,
                        _ => System.IO.Compression.CompressionLevel.SmallestSize,
                    },
                };
                options.Scales.Add(scale);
                var writer = await PrecomputedWriter.CreateAsync(destination, path, options, cancellationToken).ConfigureAwait(false);
                return writer.OpenScale(0);
        }
    }

    private static async Task ConvertUnitAsync(ConversionPlan plan, VolumeArray volume, IChunkedArrayWriter writer, long[] unitIndex, CancellationToken cancellationToken)
    {
        var box = plan.UnitBox(unitIndex);
        var readBytes = checked((int)plan.ReadBytes);
        var unitBytes = checked((int)plan.UnitBytes);
        var split = plan.UnitChannels != plan.SourceChannels;
        var read = ArrayPool<byte>.Shared.Rent(readBytes);
        var unit = split ? ArrayPool<byte>.Shared.Rent(unitBytes) : read;
        try
        {
            await ReadAsync(volume, box, read, readBytes, cancellationToken).ConfigureAwait(false);
            if (split)
            {
                SplitChannels(plan, read, unit, unitIndex[0]);
            }

            await writer.WriteUnitAsync(unitIndex, unit.AsMemory(0, unitBytes), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(read);
            if (split)
            {
                ArrayPool<byte>.Shared.Return(unit);
            }
        }
    }

    /// <summary>Copies the unit's channels out of a read of all channels; channels past the last read as the fill value.</summary>
    private static void SplitChannels(ConversionPlan plan, byte[] read, byte[] unit, long channelUnit)
    {
        var channelBytes = checked((int)(plan.UnitSpatial.Volume * plan.Source.DataType.ByteSize()));
        var first = checked((int)(channelUnit * plan.UnitChannels));
        var fill = plan.Source.FillValue.Span;
        for (var c = 0; c < plan.UnitChannels; c++)
        {
            var target = unit.AsSpan(c * channelBytes, channelBytes);
            if (first + c < plan.SourceChannels)
            {
                read.AsSpan((first + c) * channelBytes, channelBytes).CopyTo(target);
            }
            else
            {
                for (var offset = 0; offset < target.Length; offset += fill.Length)
                {
                    fill.CopyTo(target[offset..]);
                }
            }
        }
    }

    private static ValueTask ReadAsync(VolumeArray volume, Geometry.Box3 box, byte[] buffer, int byteCount, CancellationToken cancellationToken) => volume.Info.DataType switch
    {
        VoxelType.Bool => ReadAsync<bool>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.Int8 => ReadAsync<sbyte>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.UInt8 => ReadAsync<byte>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.Int16 => ReadAsync<short>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.UInt16 => ReadAsync<ushort>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.Int32 => ReadAsync<int>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.UInt32 => ReadAsync<uint>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.Int64 => ReadAsync<long>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.UInt64 => ReadAsync<ulong>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.Float16 => ReadAsync<Half>(volume, box, buffer, byteCount, cancellationToken),
        VoxelType.Float32 => ReadAsync<float>(volume, box, buffer, byteCount, cancellationToken),
        _ => ReadAsync<double>(volume, box, buffer, byteCount, cancellationToken),
    };

    private static async ValueTask ReadAsync<T>(VolumeArray volume, Geometry.Box3 box, byte[] buffer, int byteCount, CancellationToken cancellationToken)
        where T : unmanaged
    {
        using var memory = new ElementMemory<T>(buffer, byteCount);
        await volume.ReadIntoAsync(box, memory.Memory, Boundary.Fill, cancellationToken).ConfigureAwait(false);
    }
}
