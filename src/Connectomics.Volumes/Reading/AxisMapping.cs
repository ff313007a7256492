namespace Connectomics.Volumes.Reading;

/// <summary>
/// How positions along one axis of a read box map to positions of the array: inside they map to themselves, outside by
/// the <see cref="Boundary"/> rule; the map is kept as runs of consecutive positions.
/// </summary>
internal sealed class AxisMapping
{
    private AxisMapping(AxisRun[] runs, long sourceMin, long sourceMax)
    {
        Runs = runs;
        SourceMin = sourceMin;
        SourceMax = sourceMax;
    }

    /// <summary>Gets the runs, in output order, covering the whole read range.</summary>
    public IReadOnlyList<AxisRun> Runs { get; }

    /// <summary>Gets whether some output reads the fill value.</summary>
    public bool HasFill => Runs.Any(r => r.IsFill);

    /// <summary>Gets the lowest source position read, or -1 when none is.</summary>
    public long SourceMin { get; }

    /// <summary>Gets the highest source position read, or -2 when none is.</summary>
    public long SourceMax { get; }

    /// <summary>Maps one position along an axis of length <paramref name="length"/>.</summary>
    /// <param name="position">The position (any value).</param>
    /// <param name="length">The axis length.</param>
    /// <param name="boundary">The rule outside <c>[0, length)</c>.</param>
    /// <returns>The source position, or -1 for the fill value.</returns>
    public static long Map(long position, long length, Boundary boundary)
    {
        if (position >= 0 && position < length)
        {
            return position;
        }

        if (length <= 0)
        {
            return -1;
        }

        switch (boundary)
        {
            case Boundary.Replicate:
                return position < 0 ? 0 : length - 1;
            case Boundary.Reflect:
                if (length == 1)
                {
                    return 0;
                }

                var period = 2 * (length - 1);
                var folded = position % period;
                if (folded < 0)
                {
                    folded += period;
                }

                return folded < length ? folded : period - folded;
            default:
                return -1;
        }
    }

    /// <summary>Builds the map of <c>[start, stop)</c> along an axis of length <paramref name="length"/>.</summary>
    /// <param name="start">The first position read.</param>
    /// <param name="stop">The position past the last one read.</param>
    /// <param name="length">The axis length.</param>
    /// <param name="boundary">The rule outside <c>[0, length)</c>.</param>
    /// <returns>The map.</returns>
    public static AxisMapping Create(long start, long stop, long length, Boundary boundary)
    {
        var runs = new List<AxisRun>();
        if (stop <= start)
        {
            return new AxisMapping([], -1, -2);
        }

        long sourceMin = long.MaxValue, sourceMax = long.MinValue;
        var position = start;

        // With the fill value (or an empty axis) the map is at most three runs: fill, inside, fill.
        if (boundary == Boundary.Fill || length <= 0)
        {
            var insideStart = Math.Clamp(start, 0, Math.Max(length, 0));
            var insideStop = Math.Clamp(stop, 0, Math.Max(length, 0));
            if (insideStop <= insideStart)
            {
                runs.Add(new AxisRun(0, stop - start, -1, 1));
                return new AxisMapping([.. runs], -1, -2);
            }

            if (insideStart > start)
            {
                runs.Add(new AxisRun(0, insideStart - start, -1, 1));
            }

            runs.Add(new AxisRun(insideStart - start, insideStop - insideStart, insideStart, 1));
            if (stop > insideStop)
            {
                runs.Add(new AxisRun(insideStop - start, stop - insideStop, -1, 1));
            }

            return new AxisMapping([.. runs], insideStart, insideStop - 1);
        }

        while (position < stop)
        {
            var source = Map(position, length, boundary);
            var runStart = position;
            var step = 0;
            position++;
            if (position < stop)
            {
                var next = Map(position, length, boundary);
                step = (int)(next - source);
                position++;
                while (position < stop && Map(position, length, boundary) == source + (step * (position - runStart)))
                {
                    position++;
                }
            }

            var run = new AxisRun(runStart - start, position - runStart, source, step);
            runs.Add(run);
            sourceMin = Math.Min(sourceMin, run.SourceMin);
            sourceMax = Math.Max(sourceMax, run.SourceMax);
        }

        return new AxisMapping([.. runs], sourceMin, sourceMax);
    }
}
