using Connectomics.Chunks;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Blocks;

/// <summary>
/// A volume cut into blocks (daisy's semantics with write boxes cut at the volume's edge): block <c>g</c> writes
/// <c>[start + g·size, start + (g + 1)·size)</c> cut to the volume and reads that box grown by the halo. Blocks have
/// stable ids (C-order index in the grid) and run in Morton order, so consecutive blocks share halo chunks in the cache;
/// shards of a run take contiguous ranges of that order, balanced by cost.
/// </summary>
/// <remarks>Immutable and thread-safe (the caller's <see cref="BlockGridOptions.SkipWhen"/> aside).</remarks>
public sealed class BlockGrid
{
    private readonly BlockGridOptions _options;

    /// <summary>Cuts the volume <c>[0, volumeShape)</c> into blocks.</summary>
    /// <param name="volumeShape">The volume's extent.</param>
    /// <param name="options">The block size, halo, boundary and skip settings.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public BlockGrid(Index3 volumeShape, BlockGridOptions options)
        : this(Box3.FromShape(Index3.Max(volumeShape, Index3.Zero)), options)
    {
    }

    /// <summary>Cuts a box of a volume into blocks.</summary>
    /// <param name="volume">The voxels to cover (write boxes tile it exactly).</param>
    /// <param name="options">The block size, halo, boundary and skip settings.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public BlockGrid(Box3 volume, BlockGridOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = new BlockGridOptions
        {
            BlockSize = options.BlockSize,
            Halo = options.Halo,
            Boundary = options.Boundary,
            SkipEmpty = options.SkipEmpty,
            SkipWhen = options.SkipWhen,
        };
        Volume = volume;
        var size = volume.Size;
        Shape = volume.IsEmpty
            ? Index3.Zero
            : new Index3(CeilingDivide(size.Z, BlockSize.Z), CeilingDivide(size.Y, BlockSize.Y), CeilingDivide(size.X, BlockSize.X));
        Count = Shape.Volume;
        if (Count > 0)
        {
            _ = MortonOrder.Encode(Index3.Zero, Shape); // fails early for a grid too large for Morton codes
        }
    }

    /// <summary>Gets the voxels the blocks cover.</summary>
    public Box3 Volume { get; }

    /// <summary>Gets the block size.</summary>
    public Index3 BlockSize => _options.BlockSize;

    /// <summary>Gets the halo.</summary>
    public Index3 Halo => _options.Halo;

    /// <summary>Gets what reads outside the array take.</summary>
    public Boundary Boundary => _options.Boundary;

    /// <summary>Gets the number of blocks along each axis.</summary>
    public Index3 Shape { get; }

    /// <summary>Gets the number of blocks.</summary>
    public long Count { get; }

    /// <summary>Gets a block by its id.</summary>
    /// <param name="id">The id, from 0 to <see cref="Count"/> − 1.</param>
    /// <returns>The block.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is out of range.</exception>
    public Block GetBlock(long id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Count);
        var x = id % Shape.X;
        var rest = id / Shape.X;
        return Create(new Index3(rest / Shape.Y, rest % Shape.Y, x));
    }

    /// <summary>Gets a block by its position in the grid.</summary>
    /// <param name="gridIndex">The position, inside <see cref="Shape"/>.</param>
    /// <returns>The block.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gridIndex"/> is outside the grid.</exception>
    public Block GetBlock(Index3 gridIndex)
    {
        if (!Box3.FromShape(Shape).Contains(gridIndex))
        {
            throw new ArgumentOutOfRangeException(nameof(gridIndex), gridIndex, $"The block grid is {Shape}.");
        }

        return Create(gridIndex);
    }

    /// <summary>Gets a block's Morton code in this grid (execution order sorts by it).</summary>
    /// <param name="block">A block of this grid.</param>
    /// <returns>The code.</returns>
    public long MortonCode(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return MortonOrder.Encode(block.GridIndex, Shape);
    }

    /// <summary>Enumerates every block once, in execution (Morton) order.</summary>
    /// <returns>The blocks.</returns>
    public IEnumerable<Block> InExecutionOrder() => MortonOrder.Enumerate(Shape).Select(Create);

    /// <summary>Enumerates the blocks of a range of the execution order.</summary>
    /// <param name="range">The ranks (for instance a shard's, from <see cref="ShardRange"/>).</param>
    /// <returns>The blocks, in execution order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is not within <c>[0, Count]</c>.</exception>
    public IEnumerable<Block> InExecutionOrder(BlockRange range)
    {
        if (range.Start < 0 || range.Stop > Count || range.Start > range.Stop)
        {
            throw new ArgumentOutOfRangeException(nameof(range), range, $"The grid has {Count} blocks.");
        }

        return InRange(range);
    }

    /// <summary>
    /// Gets the blocks one shard of a run does: a contiguous range of the execution order, the ranges of shards
    /// 0 … N − 1 following one another and covering every block once, balanced by cost as
    /// <see cref="WorkPlan.ContiguousRange"/> splits (each shard within about one block's cost of <c>total / N</c>, none
    /// empty unless there are fewer blocks than shards); every shard computes the same split without talking to the
    /// others. A cost below 1 counts as 1.
    /// </summary>
    /// <param name="shard">The shard (0-based index of a count).</param>
    /// <param name="cost">A block's cost; <see langword="null"/> for its write-box voxel count.</param>
    /// <returns>The shard's range (empty when there are more shards than blocks to give).</returns>
    /// <exception cref="NotSupportedException">The grid has more than <see cref="int.MaxValue"/> blocks.</exception>
    public BlockRange ShardRange(ShardAssignment shard, Func<Block, long>? cost = null)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (shard.Count == 1)
        {
            return new BlockRange(0, Count);
        }

        if (Count > int.MaxValue)
        {
            throw new NotSupportedException($"A grid of {Count} blocks is too many to split between shards; use larger blocks.");
        }

        cost ??= static block => block.WriteBox.VoxelCount;
        var weights = new long[Count];
        var rank = 0;
        foreach (var block in InExecutionOrder())
        {
            weights[rank++] = cost(block);
        }

        var (start, stop) = WorkPlan.ContiguousRange(weights, shard);
        return new BlockRange(start, stop);
    }

    /// <summary>
    /// Decides whether a block is skipped: by the caller's <see cref="BlockGridOptions.SkipWhen"/> first, then, with
    /// <see cref="BlockGridOptions.SkipEmpty"/>, when its read box takes voxels only from chunks that are not stored or
    /// hold only the fill value (<see cref="VolumeArray.IsEmptyAsync"/>).
    /// </summary>
    /// <param name="block">The block.</param>
    /// <param name="source">The array the block reads.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Why the block is skipped, or <see cref="BlockSkipReason.None"/>.</returns>
    public async ValueTask<BlockSkipReason> CheckSkipAsync(Block block, VolumeArray source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(source);
        if (_options.SkipWhen is { } predicate && await predicate(block, cancellationToken).ConfigureAwait(false))
        {
            return BlockSkipReason.Predicate;
        }

        if (_options.SkipEmpty && await source.IsEmptyAsync(block.ReadBox, Boundary, cancellationToken).ConfigureAwait(false))
        {
            return BlockSkipReason.Empty;
        }

        return BlockSkipReason.None;
    }

    private IEnumerable<Block> InRange(BlockRange range)
    {
        var rank = 0L;
        foreach (var cell in MortonOrder.Enumerate(Shape))
        {
            if (rank >= range.Stop)
            {
                yield break;
            }

            if (rank++ >= range.Start)
            {
                yield return Create(cell);
            }
        }
    }

    private Block Create(Index3 gridIndex)
    {
        var start = Volume.Start + (gridIndex * BlockSize);
        var write = new Box3(start, Index3.Min(start + BlockSize, Volume.Stop));
        var id = ((gridIndex.Z * Shape.Y) + gridIndex.Y) * Shape.X + gridIndex.X;
        return new Block(id, gridIndex, write, write.Grow(Halo));
    }

    private static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;
}
