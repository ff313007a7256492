namespace Connectomics.Volumes.Reading;

/// <summary>
/// A run of consecutive output positions along one axis that read consecutive source positions: source
/// <c>SourceStart + Step * k</c> for output <c>OutputStart + k</c>, <c>k</c> in <c>[0, Length)</c>. A run with no source
/// (<see cref="IsFill"/>) reads the fill value.
/// </summary>
/// <param name="OutputStart">The first output position, relative to the read box's start.</param>
/// <param name="Length">The number of positions.</param>
/// <param name="SourceStart">The source position of the first output position, or -1 for a fill run.</param>
/// <param name="Step">+1 (ascending), -1 (mirrored) or 0 (one edge voxel repeated).</param>
internal readonly record struct AxisRun(long OutputStart, long Length, long SourceStart, int Step)
{
    /// <summary>Gets whether the run reads the fill value.</summary>
    public bool IsFill => SourceStart < 0;

    /// <summary>Gets the lowest source position the run reads.</summary>
    public long SourceMin => Step >= 0 ? SourceStart : SourceStart - (Length - 1);

    /// <summary>Gets the highest source position the run reads.</summary>
    public long SourceMax => Step <= 0 ? SourceStart : SourceStart + (Length - 1);

    /// <summary>Cuts the run to the outputs whose source lies in <c>[lowest, highest]</c>.</summary>
    /// <param name="lowest">The lowest source position kept.</param>
    /// <param name="highest">The highest source position kept.</param>
    /// <param name="clipped">The remaining run.</param>
    /// <returns>Whether any output remains.</returns>
    public bool TryClip(long lowest, long highest, out AxisRun clipped)
    {
        clipped = default;
        if (IsFill || SourceMax < lowest || SourceMin > highest)
        {
            return false;
        }

        if (Step == 0)
        {
            clipped = this;
            return true;
        }

        // Output offsets k whose source SourceStart + Step·k lies in [lowest, highest].
        long first, last;
        if (Step > 0)
        {
            first = Math.Max(0, lowest - SourceStart);
            last = Math.Min(Length - 1, highest - SourceStart);
        }
        else
        {
            first = Math.Max(0, SourceStart - highest);
            last = Math.Min(Length - 1, SourceStart - lowest);
        }

        clipped = new AxisRun(OutputStart + first, last - first + 1, SourceStart + (Step * first), Step);
        return true;
    }
}
