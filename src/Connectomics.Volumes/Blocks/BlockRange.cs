namespace Connectomics.Volumes.Blocks;

/// <summary>A contiguous run of a <see cref="BlockGrid"/>'s execution (Morton) order: the blocks at ranks
/// <c>[Start, Stop)</c>.</summary>
/// <param name="Start">The rank of the first block.</param>
/// <param name="Stop">The rank past the last block.</param>
public readonly record struct BlockRange(long Start, long Stop)
{
    /// <summary>Gets the number of blocks.</summary>
    public long Count => Math.Max(0, Stop - Start);

    /// <summary>Gets whether the range holds no block.</summary>
    public bool IsEmpty => Stop <= Start;
}
