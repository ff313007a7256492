using Connectomics.Lora.Training;

namespace Connectomics.Lora.Tests.Training;

public sealed class CheckpointDirectoryTests
{
    private static string WriteStep(CheckpointDirectory checkpoints, long step) =>
        checkpoints.Write(new TrainerState { Step = step, Epoch = 1, BatchIndex = 2 }, dir => File.WriteAllText(Path.Combine(dir, "weights.bin"), $"step {step}"));

    [Fact]
    public void A_written_checkpoint_is_complete_and_named_by_latest()
    {
        using var temp = new TempDirectory("lora-ckpt");
        var checkpoints = new CheckpointDirectory(temp.Path);
        Assert.Null(checkpoints.ReadLatest());
        WriteStep(checkpoints, 3);
        var path = WriteStep(checkpoints, 6);

        var (latest, state) = checkpoints.ReadLatest()!.Value;
        Assert.Equal(path, latest);
        Assert.Equal(Path.Combine(temp.Path, "checkpoint-6"), latest);
        Assert.Equal(6, state.Step);
        Assert.Equal((1, 2), (state.Epoch, state.BatchIndex));
        Assert.Equal("step 6", File.ReadAllText(Path.Combine(latest, "weights.bin")));
        Assert.Equal("checkpoint-6\n", File.ReadAllText(Path.Combine(temp.Path, "latest")));
        Assert.DoesNotContain(temp.Entries(), e => e.StartsWith('.'));
    }

    [Fact]
    public void A_failed_write_leaves_latest_and_the_previous_checkpoint_as_they_were()
    {
        using var temp = new TempDirectory("lora-ckpt");
        var checkpoints = new CheckpointDirectory(temp.Path);
        WriteStep(checkpoints, 2);
        Assert.Throws<IOException>(() => checkpoints.Write(new TrainerState { Step = 4 }, _ => throw new IOException("disk full")));

        Assert.Equal(2, checkpoints.ReadLatest()!.Value.State.Step);
        Assert.Equal(["checkpoint-2", "latest"], temp.Entries());
    }

    [Fact]
    public void Pruning_keeps_the_newest_and_the_best()
    {
        using var temp = new TempDirectory("lora-ckpt");
        var checkpoints = new CheckpointDirectory(temp.Path);
        foreach (var step in new long[] { 1, 2, 3, 4, 5 })
        {
            WriteStep(checkpoints, step);
        }

        var removed = checkpoints.Prune(keepLast: 2, best: "checkpoint-2");
        Assert.Equal(2, removed.Count);
        Assert.Equal(["checkpoint-2", "checkpoint-4", "checkpoint-5", "latest"], temp.Entries());
    }

    [Fact]
    public void A_checkpoint_of_the_same_step_left_by_an_interrupted_run_is_replaced()
    {
        using var temp = new TempDirectory("lora-ckpt");
        var checkpoints = new CheckpointDirectory(temp.Path);
        WriteStep(checkpoints, 4);
        var path = checkpoints.Write(new TrainerState { Step = 4, Epoch = 9 }, dir => File.WriteAllText(Path.Combine(dir, "weights.bin"), "again"));
        Assert.Equal("again", File.ReadAllText(Path.Combine(path, "weights.bin")));
        Assert.Equal(9, checkpoints.ReadLatest()!.Value.State.Epoch);
        Assert.Equal(["checkpoint-4", "latest"], temp.Entries());
    }

    [Fact]
    public void A_resume_fingerprint_names_each_difference()
    {
        var stored = new RunFingerprint().Add("LearningRate", 0.001).Add("Seed", 1L).Add("Data.Train", "abc");
        var current = new RunFingerprint().Add("LearningRate", 0.002).Add("Seed", 1L).Add("Data.Train", "abc");
        var differences = current.DifferencesFrom(RunFingerprint.From(stored.Entries));
        var line = Assert.Single(differences);
        Assert.Equal("LearningRate: checkpoint 0.001, this run 0.002", line);
        Assert.Empty(stored.DifferencesFrom(stored));
    }
}
