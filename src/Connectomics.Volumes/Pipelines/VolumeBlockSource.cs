using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Connectomics.Chunks;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Telemetry;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// A volume's blocks as a chunk source: one work unit per block (key <c>blocks/&lt;block id&gt;</c>, ordinal its
/// Morton execution rank, cost its write box's voxels), each read as one chunk of one <see cref="VolumeBlock"/>. A
/// block's voxels are the union of its read box (write box plus halo) and the box its model needs, padded by the grid's
/// boundary rule, read through one shared <see cref="VolumeArray"/> (cache, concurrency, retries). Skipped blocks
/// (empty, the caller's predicate, no points) are not read and make no rows. A block whose chunks cannot be read is a
/// rejected record naming the block's boxes and the chunk key.
/// </summary>
/// <remarks>Thread-safe; shards take contiguous Morton ranges balanced by cost.</remarks>
public sealed class VolumeBlockSource : IChunkSource<VolumeBlock>
{
    private const string UnitPrefix = "blocks/";

    private readonly IVolumeEmbeddingModel _model;
    private readonly BlockRowLayout _layout;
    private readonly VolumeMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly BlockFailurePolicy _failurePolicy;
    private readonly ConcurrentDictionary<string, string> _failedChunks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, long> _started = new();
    private IReadOnlyList<WorkUnit>? _units;
    private long _skipped;
    private long _failed;
    private long _voxelsRead;

    internal VolumeBlockSource(
        VolumeArray array,
        BlockGrid grid,
        IVolumeEmbeddingModel model,
        BlockRowLayout layout,
        VolumeBlockRows rows,
        VoxelNormalization normalization,
        string name,
        int level,
        (double Z, double Y, double X) voxelSize,
        BlockFailurePolicy failurePolicy,
        (bool Empty, bool Predicate) skipRules,
        VolumeMetrics metrics,
        TimeProvider timeProvider)
    {
        Array = array;
        Grid = grid;
        _model = model;
        _layout = layout;
        Rows = rows;
        Normalization = normalization;
        Name = name;
        Level = level;
        VoxelSize = voxelSize;
        _failurePolicy = failurePolicy;
        _metrics = metrics;
        _timeProvider = timeProvider;
        var info = array.Info;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["volume"] = string.Create(CultureInfo.InvariantCulture,
                $"{name} shape [{string.Join(", ", info.Shape)}] {info.DataType.ToString().ToLowerInvariant()} chunks [{string.Join(", ", info.ChunkShape)}]"),
            ["level"] = level.ToString(CultureInfo.InvariantCulture),
            ["block.size"] = grid.BlockSize.ToString(),
            ["block.halo"] = grid.Halo.ToString(),
            ["boundary"] = grid.Boundary.ToString().ToLowerInvariant(),
            ["rows"] = layout.Setting,
            ["normalization"] = normalization.ToSetting(),
            ["skip"] = SkipSetting(skipRules, layout),
        };
        Descriptor = new SourceDescriptor(Kind(info.Format), rows.Columns, settings) { UniqueIds = true };
    }

    /// <inheritdoc/>
    public SourceDescriptor Descriptor { get; }

    /// <summary>Gets the array read.</summary>
    public VolumeArray Array { get; }

    /// <summary>Gets the block grid.</summary>
    public BlockGrid Grid { get; }

    /// <summary>Gets how blocks become rows.</summary>
    public VolumeBlockRows Rows { get; }

    /// <summary>Gets how voxels are normalised.</summary>
    public VoxelNormalization Normalization { get; }

    /// <summary>Gets the source's name as the table records it.</summary>
    public string Name { get; }

    /// <summary>Gets the pyramid level read.</summary>
    public int Level { get; }

    /// <summary>Gets the voxel size in nanometres.</summary>
    public (double Z, double Y, double X) VoxelSize { get; }

    /// <summary>Gets the blocks this source skipped (not read) so far.</summary>
    public long BlocksSkipped => Interlocked.Read(ref _skipped);

    /// <summary>Gets the blocks this source could not read so far.</summary>
    public long BlocksFailed => Interlocked.Read(ref _failed);

    /// <summary>Gets the voxels this source read so far (all channels, halos included).</summary>
    public long VoxelsRead => Interlocked.Read(ref _voxelsRead);

    /// <summary>Gets the key of a block's work unit.</summary>
    /// <param name="blockId">The block's id.</param>
    /// <returns>The key, <c>blocks/&lt;id&gt;</c>.</returns>
    public static string UnitKey(long blockId) => string.Create(CultureInfo.InvariantCulture, $"{UnitPrefix}{blockId}");

    /// <summary>Gets the box of voxels read for a block: its read box joined with the box its model needs.</summary>
    /// <param name="block">The block.</param>
    /// <returns>The box.</returns>
    public Box3 InputBox(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var model = _model.GetInputBox(block.WriteBox);
        return new Box3(Index3.Min(block.ReadBox.Start, model.Start), Index3.Max(block.ReadBox.Stop, model.Stop));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<WorkUnit>> ListUnitsAsync(CancellationToken cancellationToken = default)
    {
        if (_units is null)
        {
            if (Grid.Count > int.MaxValue)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{Array.Info.Location}: the grid has {Grid.Count} blocks, more than a run can list; choose larger blocks."));
            }

            var units = new List<WorkUnit>((int)Grid.Count);
            var rank = 0;
            foreach (var block in Grid.InExecutionOrder())
            {
                cancellationToken.ThrowIfCancellationRequested();
                units.Add(new WorkUnit(UnitKey(block.Id), rank++, new WorkUnitCost(Array.RegionByteCount(block.WriteBox), Rows: 1, Tokens: block.WriteBox.VoxelCount)));
            }

            _units = units;
        }

        return ValueTask.FromResult(_units);
    }

    /// <inheritdoc/>
    public async ValueTask<WorkPlan> PlanAsync(ShardAssignment shard, CancellationToken cancellationToken = default) =>
        WorkPlan.CreateContiguous(await ListUnitsAsync(cancellationToken).ConfigureAwait(false), shard);

    /// <inheritdoc/>
    public async IAsyncEnumerable<RecordChunk<VolumeBlock>> ReadAsync(WorkUnit unit, long offset, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var block = BlockOf(unit);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, 1);
        if (offset == 1)
        {
            yield return new RecordChunk<VolumeBlock>(unit, 1, 0, [], [], endOfUnit: true);
            yield break;
        }

        var (record, rejected) = await ReadBlockAsync(unit, block, cancellationToken).ConfigureAwait(false);
        yield return record is not null
            ? new RecordChunk<VolumeBlock>(unit, 0, 1, [record], [], endOfUnit: true)
            : new RecordChunk<VolumeBlock>(unit, 0, 1, [], [rejected!], endOfUnit: true);
    }

    /// <inheritdoc/>
    public RejectedRecord Locate(RejectedRecord record, RecordField field)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _failedChunks.TryGetValue(record.UnitKey, out var chunkKey) ? record with { File = chunkKey, Column = null } : record;
    }

    /// <summary>Gets when the block's read started, for its duration, and forgets it.</summary>
    internal TimeSpan? TakeElapsed(long blockId) =>
        _started.TryRemove(blockId, out var started) ? _timeProvider.GetElapsedTime(started) : null;

    private async ValueTask<(VolumeBlock? Record, RejectedRecord? Rejected)> ReadBlockAsync(WorkUnit unit, Block block, CancellationToken cancellationToken)
    {
        _started[block.Id] = _timeProvider.GetTimestamp();
        var input = InputBox(block);
        try
        {
            var skip = _layout.HasNoPoints(block) ? BlockSkipReason.NoPoints : BlockSkipReason.None;
            if (skip == BlockSkipReason.None)
            {
                skip = await Grid.CheckSkipAsync(block, Array, cancellationToken).ConfigureAwait(false);
            }

            if (skip != BlockSkipReason.None)
            {
                _started.TryRemove(block.Id, out _);
                Interlocked.Increment(ref _skipped);
                _metrics.BlockSkipped(skip switch
                {
                    BlockSkipReason.Empty => "empty",
                    BlockSkipReason.Predicate => "predicate",
                    _ => "no_points",
                });
                return (Create(block, Box3.FromStartSize(input.Start, Index3.Zero), ReadOnlyMemory<byte>.Empty, [], skip), null);
            }

            var voxels = await VoxelReader.ReadAsync(Array, input, Grid.Boundary, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _voxelsRead, input.VoxelCount * Array.Channels);
            var rows = _layout.Rows(block)
                .Select(r => new BlockRow(r.Id, r.Box, FilledShare(voxels, input, r.Box)) with
                {
                    Point = r.Point?.Voxel,
                    Values = r.Point?.Values ?? new Dictionary<string, object?>(StringComparer.Ordinal),
                })
                .ToArray();
            return (Create(block, input, voxels, rows, BlockSkipReason.None), null);
        }
        catch (Exception failure) when (failure is VolumeDataException or MissingChunkException or IOException && !cancellationToken.IsCancellationRequested)
        {
            _started.TryRemove(block.Id, out _);
            var chunkKey = failure switch
            {
                VolumeDataException data => data.ChunkKey,
                MissingChunkException missing => missing.ChunkKey,
                _ => null,
            };
            if (chunkKey is not null)
            {
                _failedChunks[unit.Key] = chunkKey;
            }

            Interlocked.Increment(ref _failed);
            _metrics.BlockFailed(_failurePolicy == BlockFailurePolicy.Fail ? "fail" : "quarantine");
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"block {block.Id} (write box {block.WriteBox}, read box {input}){(chunkKey is null ? string.Empty : $", chunk {chunkKey}")} could not be read: {failure.Message}");
            return (null, new RejectedRecord(unit.Key, 0, VolumeBlockRows.BlockRowId(block.Id), reason) { File = chunkKey });
        }
    }

    private VolumeBlock Create(Block block, Box3 voxelBox, ReadOnlyMemory<byte> voxels, IReadOnlyList<BlockRow> rows, BlockSkipReason skipped) => new()
    {
        Block = block,
        Level = Level,
        Source = Name,
        DataType = Array.Info.DataType,
        Channels = Array.Channels,
        VoxelBox = voxelBox,
        Voxels = voxels,
        Normalization = Normalization,
        Rows = rows,
        Skipped = skipped,
        VoxelSize = VoxelSize,
    };

    /// <summary>Gets the share of <paramref name="box"/>'s voxels that are not the fill value (any channel differing, bit for bit).</summary>
    private float FilledShare(byte[] voxels, Box3 voxelBox, Box3 box)
    {
        var total = box.VoxelCount;
        if (total == 0)
        {
            return 0;
        }

        var size = Array.Info.DataType.ByteSize();
        var fill = Array.Info.FillValue.Span[..size];
        var channels = Array.Channels;
        var extent = voxelBox.Size;
        var plane = extent.Y * extent.X;
        var channelStride = extent.Z * plane;
        var runLength = (int)box.Size.X;
        var allFill = new int[runLength];
        long filled = 0;
        for (var z = box.Start.Z; z < box.Stop.Z; z++)
        {
            for (var y = box.Start.Y; y < box.Stop.Y; y++)
            {
                var start = ((z - voxelBox.Start.Z) * plane) + ((y - voxelBox.Start.Y) * extent.X) + (box.Start.X - voxelBox.Start.X);
                if (channels == 1)
                {
                    filled += runLength - CountFill(voxels.AsSpan((int)(start * size), runLength * size), fill, size);
                    continue;
                }

                System.Array.Clear(allFill);
                for (var c = 0; c < channels; c++)
                {
                    var run = voxels.AsSpan((int)(((c * channelStride) + start) * size), runLength * size);
                    for (var x = 0; x < runLength; x++)
                    {
                        if (run.Slice(x * size, size).SequenceEqual(fill))
                        {
                            allFill[x]++;
                        }
                    }
                }

                filled += allFill.Count(n => n < channels);
            }
        }

        return (float)((double)filled / total);
    }

    private static int CountFill(ReadOnlySpan<byte> run, ReadOnlySpan<byte> fill, int size) => size switch
    {
        1 => run.Count(fill[0]),
        2 => MemoryMarshal.Cast<byte, ushort>(run).Count(MemoryMarshal.Read<ushort>(fill)),
        4 => MemoryMarshal.Cast<byte, uint>(run).Count(MemoryMarshal.Read<uint>(fill)),
        8 => MemoryMarshal.Cast<byte, ulong>(run).Count(MemoryMarshal.Read<ulong>(fill)),
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "Not an element size."),
    };

    private Block BlockOf(WorkUnit unit)
    {
        if (!unit.Key.StartsWith(UnitPrefix, StringComparison.Ordinal)
            || !long.TryParse(unit.Key.AsSpan(UnitPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || id >= Grid.Count)
        {
            throw new ArgumentException($"'{unit.Key}' is not a block of this volume's grid of {Grid.Count} blocks.", nameof(unit));
        }

        return Grid.GetBlock(id);
    }

    private static string Kind(VolumeFormat format) => format switch
    {
        VolumeFormat.Precomputed => "precomputed",
        _ => "zarr",
    };

    private static string SkipSetting((bool Empty, bool Predicate) skipRules, BlockRowLayout layout)
    {
        var rules = new List<string>();
        if (skipRules.Empty)
        {
            rules.Add("empty");
        }

        if (skipRules.Predicate)
        {
            rules.Add("predicate");
        }

        if (layout.Granularity == RowGranularity.Point)
        {
            rules.Add("no points");
        }

        return rules.Count == 0 ? "none" : string.Join(", ", rules);
    }
}
