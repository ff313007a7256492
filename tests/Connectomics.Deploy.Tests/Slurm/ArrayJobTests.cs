using System.Globalization;

namespace Connectomics.Deploy.Tests.Slurm;

/// <summary>Array jobs on the one-node cluster: the ground the embedding job stands on.</summary>
[Collection(SlurmCollection.Name)]
[Trait("Category", "Slurm")]
public sealed class ArrayJobTests(SlurmCluster cluster) : IDisposable
{
    private readonly TempDirectory _work = new("connectomics-array-job");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Every_array_task_runs_once_with_its_index_and_the_task_count()
    {
        var script = _work.File("record-task.sh");
        await File.WriteAllTextAsync(script, """
            #!/usr/bin/env bash
            echo "$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT $SLURM_ARRAY_TASK_MIN $SLURM_ARRAY_JOB_ID" >> tasks.txt

            """);

        var result = await cluster.SubmitAndWaitAsync(script, _work.Path, ["--array=0-2", "--cpus-per-task=1", "--mem=64M", "--output=task-%a.log"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotNull(result.JobId);
        var tasks = (await File.ReadAllLinesAsync(Path.Combine(_work.Path, "tasks.txt")))
            .Select(line => line.Split(' ').Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray())
            .OrderBy(fields => fields[0])
            .ToArray();
        Assert.Equal([0L, 1L, 2L], tasks.Select(t => t[0]));
        Assert.All(tasks, t => Assert.Equal([3L, 0L, result.JobId.Value], t[1..]));
    }
}
