using System.Globalization;

namespace Connectomics.Deploy.Tests.Slurm;

/// <summary>
/// The shipped <c>samples/deploy/slurm/embed.sbatch</c> on the one-node cluster, over a stand-in for the published
/// tool that records the command line each array task gives it.
/// </summary>
[Collection(SlurmCollection.Name)]
[Trait("Category", "Slurm")]
public sealed class EmbedSbatchTests(SlurmCluster cluster) : IDisposable
{
    /// <summary>What the shipped script asks for per task, cut to what any test machine has.</summary>
    private static readonly string[] SmallTasks = ["--cpus-per-task=1", "--mem=64M"];

    private readonly TempDirectory _work = new("connectomics-embed-sbatch");

    public void Dispose() => _work.Dispose();

    internal static string EmbedSbatch => Path.Combine(RepositoryRoot.Path, "samples", "deploy", "slurm", "embed.sbatch");

    /// <summary>Writes an executable that stands in for <c>connectomics-embed</c>: it writes its arguments, one a
    /// line, to calls/&lt;array task id&gt;.</summary>
    private async Task<string> RecordingToolAsync()
    {
        var tool = _work.File("published", "connectomics-embed");
        Directory.CreateDirectory(Path.Combine(_work.Path, "calls"));
        await File.WriteAllTextAsync(tool, $"""
            #!/usr/bin/env bash
            printf '%s\n' "$@" > '{_work.Path}/calls/'"$SLURM_ARRAY_TASK_ID"

            """);
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return tool;
    }

    private string[] Call(int task) => File.ReadAllLines(Path.Combine(_work.Path, "calls", task.ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public async Task By_default_three_tasks_each_embed_their_shard_into_the_one_table_and_resume()
    {
        var tool = await RecordingToolAsync();

        var result = await cluster.SubmitAndWaitAsync(EmbedSbatch, _work.Path, SmallTasks,
            ("CONNECTOMICS_EMBED", Path.GetDirectoryName(tool)!), ("INPUT", "/data/reads/*.parquet"), ("DB", "/data/vectors"), ("TABLE", "sequences"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["0", "1", "2"], Directory.GetFiles(Path.Combine(_work.Path, "calls")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        for (var task = 0; task < 3; task++)
        {
            // No --restart: a requeued or resubmitted task resumes its shard.
            Assert.Equal(
                ["--input", "/data/reads/*.parquet", "--db", "/data/vectors", "--table", "sequences", "--shard", $"{task}/3", "--checkpoint-every", "30m"],
                Call(task));
            var log = await File.ReadAllTextAsync(Path.Combine(_work.Path, $"connectomics-embed-{result.JobId}_{task}.log"));
            Assert.Contains($"shard {task}/3", log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_setting_reaches_the_tool_and_each_task_gets_its_own_metrics_port()
    {
        var tool = await RecordingToolAsync();

        var result = await cluster.SubmitAndWaitAsync(EmbedSbatch, _work.Path, ["--array=0-1", .. SmallTasks],
            ("CONNECTOMICS_EMBED", tool), ("INPUT", "reads.fa.gz"), ("DB", "out/vectors"), ("TABLE", "reads"),
            ("ID_COLUMN", "sequence_id"), ("SEQUENCE_COLUMN", "dna_sequence"), ("KEEP", "taxonomy,depth"), ("PRESET", "tiny"),
            ("DEVICE", "cpu"), ("CHECKPOINT_EVERY", "5m"), ("RUN_ID", "run-7"), ("METRICS_PORT", "9400"), ("EXTRA_ARGS", "--restart --batch-tokens 4096"));

        Assert.True(result.ExitCode == 0, result.ToString());
        for (var task = 0; task < 2; task++)
        {
            Assert.Equal(
                [
                    "--input", "reads.fa.gz", "--db", "out/vectors", "--table", "reads", "--shard", $"{task}/2", "--checkpoint-every", "5m",
                    "--id-column", "sequence_id", "--sequence-column", "dna_sequence", "--keep", "taxonomy,depth", "--preset", "tiny",
                    "--device", "cpu", "--run-id", "run-7", "--metrics-port", (9400 + task).ToString(CultureInfo.InvariantCulture),
                    "--restart", "--batch-tokens", "4096",
                ],
                Call(task));
        }
    }

    [Fact]
    public async Task Resubmitting_one_task_names_its_shard_of_the_whole_run()
    {
        var tool = await RecordingToolAsync();

        var result = await cluster.SubmitAndWaitAsync(EmbedSbatch, _work.Path, ["--array=4", .. SmallTasks],
            ("CONNECTOMICS_EMBED", tool), ("SHARDS", "8"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["--shard", "4/8"], Call(4).SkipWhile(a => a != "--shard").Take(2));
    }

    [Fact]
    public async Task A_task_outside_the_shards_fails_without_running_the_tool()
    {
        var tool = await RecordingToolAsync();

        var result = await cluster.SubmitAndWaitAsync(EmbedSbatch, _work.Path, ["--array=2", .. SmallTasks],
            ("CONNECTOMICS_EMBED", tool), ("SHARDS", "2"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(_work.Path, "calls")));
        var log = await File.ReadAllTextAsync(Path.Combine(_work.Path, $"connectomics-embed-{result.JobId}_2.log"));
        Assert.Contains("array task 2 is not a shard of 2", log, StringComparison.Ordinal);
    }
}
