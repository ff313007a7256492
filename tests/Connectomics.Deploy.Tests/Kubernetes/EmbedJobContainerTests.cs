using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Connectomics.Chunks;
using Connectomics.Deploy.Tests.Embedding;
using Connectomics.Storage.Lance;
using YamlDotNet.RepresentationModel;

namespace Connectomics.Deploy.Tests.Kubernetes;

/// <summary>
/// The container of <c>samples/deploy/kubernetes/embed-job.yaml</c> run as pod 0 of the Indexed Job would run it: the
/// real <c>connectomics-embed</c> with exactly the manifest's arguments, <c>JOB_COMPLETION_INDEX=0</c> in its
/// environment, and each volume mount a temp folder. An option the tool does not know, a value it refuses or a missing
/// one fails here, so the manifest cannot drift from the tool.
/// </summary>
public sealed class EmbedJobContainerTests : IDisposable
{
    private readonly TempDirectory _work = new("connectomics-embed-pod");

    public void Dispose() => _work.Dispose();

    /// <summary>Each mount path of the container, longest first, with the temp folder that stands in for its volume.</summary>
    private (string MountPath, string Folder)[] Mounts() =>
    [
        .. EmbedJobManifest.Container.Sequence("volumeMounts").Cast<YamlMappingNode>()
            .Select(m => (m.Scalar("mountPath").TrimEnd('/'), Directory.CreateDirectory(Path.Combine(_work.Path, "volumes", m.Scalar("name"))).FullName))
            .OrderByDescending(m => m.Item1.Length),
    ];

    /// <summary>
    /// The manifest's arguments with every path under a mount moved to that mount's folder, and the metrics port moved
    /// to a free one (the manifest's may be taken on this machine); nothing else changes.
    /// </summary>
    private string[] PodArguments((string MountPath, string Folder)[] mounts)
    {
        var args = EmbedJobManifest.Arguments;
        for (var i = 0; i < args.Length; i++)
        {
            foreach (var (mountPath, folder) in mounts)
            {
                if (args[i] == mountPath || args[i].StartsWith(mountPath + "/", StringComparison.Ordinal))
                {
                    args[i] = folder + args[i][mountPath.Length..];
                    break;
                }
            }

            if (i > 0 && args[i - 1] == "--metrics-port")
            {
                args[i] = FreePort().ToString(CultureInfo.InvariantCulture);
            }
        }

        return args;
    }

    private static string ValueOf(string[] args, string option)
    {
        var at = Array.IndexOf(args, option);
        Assert.True(at >= 0 && at + 1 < args.Length, $"the manifest's args have no {option} value");
        return args[at + 1];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Pod_zero_runs_the_real_tool_with_the_manifests_args_and_embeds_its_shard_of_the_completions()
    {
        var args = PodArguments(Mounts());
        var input = ValueOf(args, "--input");
        Assert.True(input.StartsWith(_work.Path, StringComparison.Ordinal), $"--input {input} is not on a volume of the pod");

        // The input: 300 reads in 3 files of 2 row groups, in the folder of the manifest's glob.
        var reads = await SyntheticReads.WriteAsync(Path.GetDirectoryName(input)!, files: 3, readsPerFile: 100, rowGroupSize: 50, seed: 3);

        // The weights: the tiny test checkpoint, where the manifest's --weights points (when it names weights rather than a preset).
        if (Array.IndexOf(args, "--weights") >= 0)
        {
            var weights = Directory.CreateDirectory(ValueOf(args, "--weights")).FullName;
            foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "nt", "v2-tiny")))
            {
                File.Copy(file, Path.Combine(weights, Path.GetFileName(file)));
            }
        }

        var (code, stdout, stderr) = await EmbedTool.RunAsync(args, _work.Path, ("JOB_COMPLETION_INDEX", "0"));

        Assert.True(code == 0, $"connectomics-embed {string.Join(' ', args)} exited with {code}:\n{stderr}\n{stdout}");
        var shards = int.Parse(EmbedJobManifest.Job.Scalar("spec.completions"), CultureInfo.InvariantCulture);
        var shard = new ShardAssignment(0, shards);
        Assert.Contains($"shard {shard} (Kubernetes Indexed Job)", stderr, StringComparison.Ordinal);
        Assert.Contains("metrics: http://", stderr, StringComparison.Ordinal);

        // The run the tool reports ("run: <id>, shard 0/N"), found committed and done in the table the args name.
        var runLine = Assert.Single(stdout.Split('\n'), l => l.StartsWith("run: ", StringComparison.Ordinal));
        var runId = runLine["run: ".Length..runLine.LastIndexOf(", shard ", StringComparison.Ordinal)];
        var database = ValueOf(args, "--db");
        var tableName = ValueOf(args, "--table");
        var ours = await LanceVectorStore.Open(database).OpenTableAsync(tableName);
        var commit = await ours.FindLastCommitAsync(runId, shard);
        Assert.NotNull(commit);
        Assert.True(commit.Tag.Position.IsDone, $"shard {shard} stands at {commit.Tag.Position}");

        // Its rows, as the official client reads them: a part of the input, once each, with the kept columns' values.
        var table = await EmbeddedTable.ReadAsync(database, tableName);
        Assert.Equal(commit.Tag.RowsWritten, table.RowCount);
        Assert.InRange(table.RowCount, 1, reads.Count - 1);
        Assert.Equal(table.Ids.Count, table.Ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(table.Depths, row => Assert.Equal(reads[row.Key], row.Value));
        Assert.Equal(0, table.NonFiniteVectors);
    }
}
