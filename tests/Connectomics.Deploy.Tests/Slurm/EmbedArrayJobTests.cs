using System.Globalization;
using Connectomics.Chunks;
using Connectomics.Deploy.Tests.Embedding;
using Connectomics.Storage.Lance;

namespace Connectomics.Deploy.Tests.Slurm;

/// <summary>
/// The shipped <c>samples/deploy/slurm/embed.sbatch</c> running the real <c>connectomics-embed</c> on the one-node
/// cluster: three array tasks append their shards to one table at once, and the table is read back with the official
/// LanceDB client.
/// </summary>
[Collection(SlurmCollection.Name)]
[Trait("Category", "Slurm")]
public sealed class EmbedArrayJobTests(SlurmCluster cluster) : IDisposable
{
    /// <summary>
    /// One CPU a task, shared (the cluster's partition allows --oversubscribe), so the three tasks run at once and append
    /// to the table together even on a 2-core machine; memory any CI machine has (the cluster counts CPUs only); a time
    /// limit that ends a stuck job.
    /// </summary>
    private static readonly string[] SharedCpuTasks = ["--cpus-per-task=1", "--oversubscribe", "--mem=2G", "--time=5"];

    private const string Table = "sequences";
    private const string RunId = "reads-v1";

    private readonly TempDirectory _work = new("connectomics-embed-array-job");

    public void Dispose() => _work.Dispose();

    private string Database => Path.Combine(_work.Path, "vectors");

    /// <summary>The settings of a submission, as a user exports them; the tool uses the one CPU its task has.</summary>
    private (string Name, string Value)[] Settings() =>
    [
        ("CONNECTOMICS_EMBED", EmbedTool.DllPath), ("INPUT", Path.Combine(_work.Path, "reads", "*.parquet")), ("DB", Database), ("TABLE", Table),
        ("ID_COLUMN", SyntheticReads.IdColumn), ("SEQUENCE_COLUMN", SyntheticReads.SequenceColumn), ("KEEP", SyntheticReads.KeptColumns),
        ("PRESET", "tiny"), ("DEVICE", "cpu"), ("RUN_ID", RunId), ("EXTRA_ARGS", "--threads 1 --cpu-workers 1"),
    ];

    private string Log(SbatchResult job, int task) =>
        File.ReadAllText(Path.Combine(_work.Path, string.Create(CultureInfo.InvariantCulture, $"connectomics-embed-{job.JobId}_{task}.log")));

    private string Logs(SbatchResult job) =>
        string.Join('\n', Enumerable.Range(0, 3).Select(task => File.Exists(Path.Combine(_work.Path, $"connectomics-embed-{job.JobId}_{task}.log")) ? Log(job, task) : $"(no log of task {task})"));

    [Fact]
    public async Task Three_array_tasks_embed_every_read_exactly_once_into_one_table_and_submitting_again_changes_nothing()
    {
        // 2,400 reads in 4 files of 3 row groups: 12 work units for 3 shards.
        var reads = await SyntheticReads.WriteAsync(Path.Combine(_work.Path, "reads"), files: 4, readsPerFile: 600, rowGroupSize: 200, seed: 17);

        var job = await cluster.SubmitAndWaitAsync(EmbedSbatchTests.EmbedSbatch, _work.Path, SharedCpuTasks, Settings());

        Assert.True(job.ExitCode == 0, $"{job}\n{Logs(job)}");
        var table = await EmbeddedTable.ReadAsync(Database, Table);
        Assert.Equal(reads.Count, table.RowCount);
        Assert.Equal(reads.Count, table.Ids.Count);
        Assert.Equal(reads.Count, table.Ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(reads.Keys.Order(StringComparer.Ordinal), table.Ids.Order(StringComparer.Ordinal));
        Assert.All(table.Depths, row => Assert.Equal(reads[row.Key], row.Value));
        Assert.Equal([128], table.Dimensions);
        Assert.Equal(0, table.NonFiniteVectors);

        // Each shard's last commit says it is done, and together they wrote every row.
        var ours = await LanceVectorStore.Open(Database).OpenTableAsync(Table);
        Assert.Equal(table.Version, ours.Version);
        long rows = 0;
        for (var index = 0; index < 3; index++)
        {
            var commit = await ours.FindLastCommitAsync(RunId, new ShardAssignment(index, 3));
            Assert.True(commit is not null, $"shard {index}/3 has no commit\n{Logs(job)}");
            Assert.True(commit.Tag.Position.IsDone, $"shard {index}/3 stands at {commit.Tag.Position}");
            Assert.True(commit.Tag.RowsWritten > 0, $"shard {index}/3 wrote no rows");
            rows += commit.Tag.RowsWritten;
            Assert.Contains($"shard {index}/3", Log(job, index), StringComparison.Ordinal);
            Assert.Contains("outcome: completed", Log(job, index), StringComparison.Ordinal);
        }

        Assert.Equal(reads.Count, rows);

        // The same array job again: every shard is already complete, and the table stays at its version.
        var again = await cluster.SubmitAndWaitAsync(EmbedSbatchTests.EmbedSbatch, _work.Path, SharedCpuTasks, Settings());

        Assert.True(again.ExitCode == 0, $"{again}\n{Logs(again)}");
        Assert.NotEqual(job.JobId, again.JobId);
        for (var index = 0; index < 3; index++)
        {
            Assert.Contains("outcome: already complete", Log(again, index), StringComparison.Ordinal);
        }

        var after = await EmbeddedTable.ReadAsync(Database, Table);
        Assert.Equal(table.Version, after.Version);
        Assert.Equal(reads.Count, after.RowCount);
    }
}
