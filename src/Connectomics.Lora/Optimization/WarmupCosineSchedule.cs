namespace Connectomics.Lora.Optimization;

/// <summary>
/// A learning rate that rises linearly from 0 to a peak over the warm-up steps, then falls along half a cosine to a
/// floor (0 by default) at the last step: the schedule of Hugging Face's <c>get_cosine_schedule_with_warmup</c>
/// (<c>num_cycles</c> 0.5) and, with a floor, of <c>get_cosine_with_min_lr_schedule_with_warmup</c>.
/// </summary>
/// <remarks>
/// <para>
/// With W warm-up steps, T total steps and floor ratio r, the rate at step s is peak · f(s), where
/// f(s) = s / max(1, W) for s &lt; W, and otherwise, with progress q = (s − W) / max(1, T − W),
/// f(s) = max(0, c · (1 − r) + r) with c = 0.5 · (1 + cos(π · q)), computed in double precision in that order. The warm-up
/// starts at 0 whatever the floor, as in Hugging Face.
/// </para>
/// <para>
/// Step s is the number of optimizer steps taken before the one the rate is for: Hugging Face's trainer uses
/// f(0) for the first update, so with a warm-up the first update has rate 0. Past T the rate stays at the floor
/// (Hugging Face's formula would follow the cosine back up). Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed class WarmupCosineSchedule
{
    /// <summary>Creates a schedule.</summary>
    /// <param name="peakLearningRate">The rate at the end of the warm-up.</param>
    /// <param name="warmupSteps">The steps of linear warm-up, W (0 for none).</param>
    /// <param name="totalSteps">The step at which the cosine reaches the floor, T (≥ W).</param>
    /// <param name="floorRatio">The floor as a fraction r of the peak, in [0, 1] (Hugging Face's <c>min_lr_rate</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public WarmupCosineSchedule(double peakLearningRate, long warmupSteps, long totalSteps, double floorRatio = 0)
    {
        if (!double.IsFinite(peakLearningRate) || peakLearningRate < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(peakLearningRate), peakLearningRate, "The peak learning rate must be a finite number ≥ 0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, warmupSteps);
        if (!(floorRatio >= 0 && floorRatio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(floorRatio), floorRatio, "The floor ratio must lie in [0, 1].");
        }

        PeakLearningRate = peakLearningRate;
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        FloorRatio = floorRatio;
    }

    /// <summary>Gets the rate at the end of the warm-up.</summary>
    public double PeakLearningRate { get; }

    /// <summary>Gets the number of warm-up steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>Gets the step at which the cosine reaches the floor.</summary>
    public long TotalSteps { get; }

    /// <summary>Gets the floor as a fraction of the peak.</summary>
    public double FloorRatio { get; }

    /// <summary>Gets the rate from <see cref="TotalSteps"/> on: <see cref="PeakLearningRate"/> × <see cref="FloorRatio"/>.</summary>
    public double FloorLearningRate => PeakLearningRate * FloorRatio;

    /// <summary>Creates a schedule whose floor is an absolute rate, as Hugging Face's <c>min_lr</c> argument
    /// (the ratio is <paramref name="minimumLearningRate"/> / <paramref name="peakLearningRate"/>).</summary>
    /// <param name="peakLearningRate">The rate at the end of the warm-up (&gt; 0).</param>
    /// <param name="warmupSteps">The steps of linear warm-up.</param>
    /// <param name="totalSteps">The step at which the cosine reaches the floor.</param>
    /// <param name="minimumLearningRate">The floor, at most the peak.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static WarmupCosineSchedule WithMinimumLearningRate(double peakLearningRate, long warmupSteps, long totalSteps, double minimumLearningRate)
    {
        if (!double.IsFinite(peakLearningRate) || peakLearningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(peakLearningRate), peakLearningRate, "The peak learning rate must be a finite number > 0.");
        }

        if (!(minimumLearningRate >= 0 && minimumLearningRate <= peakLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumLearningRate), minimumLearningRate, "The minimum learning rate must lie between 0 and the peak.");
        }

        return new WarmupCosineSchedule(peakLearningRate, warmupSteps, totalSteps, minimumLearningRate / peakLearningRate);
    }

    /// <summary>Gets the learning rate for an optimizer step (see the remarks of <see cref="WarmupCosineSchedule"/>).</summary>
    /// <param name="step">The number of optimizer steps taken before this one (≥ 0).</param>
    /// <returns>The learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public double LearningRateAt(long step) => PeakLearningRate * FactorAt(step);

    /// <summary>Gets the multiplier of the peak rate at a step, f(s) of the remarks.</summary>
    /// <param name="step">The number of optimizer steps taken before this one (≥ 0).</param>
    /// <returns>The multiplier, in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public double FactorAt(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps)
        {
            return (double)step / Math.Max(1, WarmupSteps);
        }

        var progress = (double)(Math.Min(step, TotalSteps) - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        var cosine = 0.5 * (1.0 + Math.Cos(Math.PI * 0.5 * 2.0 * progress));
        return Math.Max(0, (cosine * (1 - FloorRatio)) + FloorRatio);
    }
}
