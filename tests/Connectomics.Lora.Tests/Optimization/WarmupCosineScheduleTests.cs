using Connectomics.Lora.Optimization;

namespace Connectomics.Lora.Tests.Optimization;

public sealed class WarmupCosineScheduleTests
{
    [Fact]
    public void Every_step_from_0_to_the_total_matches_hugging_face_with_and_without_a_floor()
    {
        var fixture = OptimFixture.Load("schedule.json");
        var tolerance = fixture.GetProperty("tolerance").GetDouble();
        var configurations = 0;
        foreach (var config in fixture.GetProperty("configs").EnumerateArray())
        {
            var peak = config.GetProperty("peak").GetDouble();
            var schedule = new WarmupCosineSchedule(
                peak,
                config.GetProperty("warmup_steps").GetInt64(),
                config.GetProperty("total_steps").GetInt64(),
                config.GetProperty("floor_ratio").GetDouble());
            var expected = config.GetProperty("learning_rates").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(schedule.TotalSteps + 1, expected.Length);
            for (var step = 0; step < expected.Length; step++)
            {
                var actual = schedule.LearningRateAt(step);
                Assert.True(Math.Abs(actual - expected[step]) <= tolerance * peak, $"step {step} of {schedule.TotalSteps} (warm-up {schedule.WarmupSteps}, floor {schedule.FloorRatio}): {actual} vs {expected[step]}");
            }

            configurations++;
        }

        Assert.Equal(3, configurations);
    }

    [Fact]
    public void The_rate_rises_linearly_from_zero_peaks_after_warm_up_and_ends_on_the_floor()
    {
        var schedule = new WarmupCosineSchedule(1e-3, 10, 110, floorRatio: 0.1);

        Assert.Equal(0.0, schedule.LearningRateAt(0));
        Assert.Equal(5e-4, schedule.LearningRateAt(5), 15);
        Assert.Equal(1e-3, schedule.LearningRateAt(10), 15);
        Assert.Equal(0.5 * (1e-3 + 1e-4), schedule.LearningRateAt(60), 15); // half way down the cosine
        Assert.Equal(1e-4, schedule.LearningRateAt(110), 15);
        Assert.Equal(schedule.FloorLearningRate, schedule.LearningRateAt(500), 15); // held past the end
        Assert.Equal(0.0, new WarmupCosineSchedule(1e-3, 10, 110).LearningRateAt(400));
        Assert.Equal(1e-3, new WarmupCosineSchedule(1e-3, 0, 10).LearningRateAt(0));
    }

    [Fact]
    public void An_absolute_minimum_becomes_hugging_faces_min_lr_rate()
    {
        var schedule = WarmupCosineSchedule.WithMinimumLearningRate(2e-4, 5, 50, 2e-5);

        Assert.Equal(0.1, schedule.FloorRatio, 15);
        Assert.Equal(2e-5, schedule.LearningRateAt(50), 15);
    }

    [Fact]
    public void Arguments_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(-1, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(double.NaN, 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1, 20, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1, 0, 10, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineSchedule(1, 0, 10).LearningRateAt(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupCosineSchedule.WithMinimumLearningRate(1e-4, 0, 10, 1e-3));
    }
}
