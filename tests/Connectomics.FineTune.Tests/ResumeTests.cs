namespace Connectomics.FineTune.Tests;

/// <summary><c>train</c> into a directory that holds a run: the same command resumes it (after a kill at any point)
/// to the weights an uninterrupted run reaches; other settings are refused.</summary>
[Collection(FineTuneToolCollection.Name)]
public sealed class ResumeTests(TrainedRunFixture runs)
{
    private static readonly string[] Outputs = ["adapter_model.safetensors", "adapter_config.json", "taxonomy_head.safetensors", "taxonomy_labels.json"];

    [Fact]
    public async Task A_run_killed_mid_way_resumes_to_the_adapter_of_an_uninterrupted_run()
    {
        var directory = Path.Combine(runs.Work, "killed");

        // SIGKILL (no chance to clean up) once the first checkpoint (the first epoch's end, step 3) is down: the steps
        // taken after it are lost with the process, and the resumed run takes them again.
        using (var process = FineTuneTool.Start(runs.Work, TrainedRunFixture.TrainArguments("train.fasta", "killed")))
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var latest = Path.Combine(directory, "latest");
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (!File.Exists(latest) && !process.HasExited)
            {
                await Task.Delay(5, timeout.Token);
            }

            if (process.HasExited)
            {
                Assert.Fail("the run ended before it could be killed: " + await stderr);
            }

            process.Kill();
            await process.WaitForExitAsync(timeout.Token);
            await stdout;
            var log = await stderr;
            Assert.False(File.Exists(Path.Combine(directory, "adapter_model.safetensors")), "the run had finished when it was killed:\n" + log);
        }

        Assert.NotEmpty(Directory.GetDirectories(directory, "checkpoint-*"));

        var resumed = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments("train.fasta", "killed")).Succeeded();

        Assert.Contains("fine-tuned: 18 steps", resumed.Stdout, StringComparison.Ordinal);
        foreach (var file in Outputs)
        {
            Assert.True(
                FineTuneTool.Hash(Path.Combine(runs.Work, "run", file)) == FineTuneTool.Hash(Path.Combine(directory, file)),
                $"{file} differs from the uninterrupted run's");
        }
    }

    [Fact]
    public void The_same_command_on_a_finished_run_changes_nothing_and_other_settings_are_refused_by_name()
    {
        var before = FineTuneTool.Hashes(Path.Combine(runs.Work, "run"));

        var refused = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments("train.fasta", "run", "--learning-rate", "1e-3", "--rank", "4")).SingleError();
        Assert.Contains("LearningRate: checkpoint 0.003, this run 0.001", refused, StringComparison.Ordinal);
        Assert.Contains("Lora.Rank: checkpoint 16, this run 4", refused, StringComparison.Ordinal);
        Assert.Contains("another --out", refused, StringComparison.Ordinal);
        Assert.Equal(before, FineTuneTool.Hashes(Path.Combine(runs.Work, "run")));

        // Other reads are another run too.
        var otherReads = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments("test.fasta", "run")).SingleError();
        Assert.Contains("Data.Train", otherReads, StringComparison.Ordinal);

        var again = FineTuneTool.Run(runs.Work, TrainedRunFixture.TrainArguments("train.fasta", "run")).Succeeded();
        Assert.Contains("fine-tuned: 18 steps", again.Stdout, StringComparison.Ordinal);
        foreach (var file in Outputs)
        {
            Assert.Equal(before[file], FineTuneTool.Hash(Path.Combine(runs.Work, "run", file)));
        }
    }
}
