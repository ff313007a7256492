using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Connectomics.Deploy.Tests.Kubernetes;

/// <summary>The shape of <c>samples/deploy/kubernetes/embed-job.yaml</c>: an Indexed Job whose pods each embed one
/// shard through the tool's command-line contract, on shared volumes, with metrics for Prometheus.</summary>
public sealed class EmbedJobManifestTests
{
    /// <summary>The tool's options, and whether each takes a value.</summary>
    private static readonly Dictionary<string, bool> ToolOptions = new(StringComparer.Ordinal)
    {
        ["--input"] = true, ["--id-column"] = true, ["--sequence-column"] = true, ["--keep"] = true, ["--db"] = true,
        ["--table"] = true, ["--preset"] = true, ["--weights"] = true, ["--device"] = true, ["--shard"] = true,
        ["--shard-count"] = true, ["--checkpoint-every"] = true, ["--restart"] = false, ["--metrics-port"] = true, ["--run-id"] = true,
    };

    private static YamlMappingNode[] Documents => EmbedJobManifest.Documents;

    private static YamlMappingNode Job => EmbedJobManifest.Job;

    private static YamlMappingNode Container => EmbedJobManifest.Container;

    /// <summary>The container's arguments as option → value (null for a flag), checked against the contract.</summary>
    private static Dictionary<string, string?> Arguments()
    {
        var args = EmbedJobManifest.Arguments;
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            Assert.True(ToolOptions.TryGetValue(option, out var takesValue), $"'{option}' (argument {i}) is not an option of connectomics-embed");
            var value = takesValue ? args.ElementAtOrDefault(++i) : null;
            Assert.True(!takesValue || value is { Length: > 0 } && !value.StartsWith("--", StringComparison.Ordinal), $"'{option}' has no value");
            Assert.True(options.TryAdd(option, value), $"'{option}' is given twice");
        }

        return options;
    }

    /// <summary>The claim mounted at the folder that holds <paramref name="path"/>, with whether the mount is read-only.</summary>
    private static (string Claim, bool ReadOnly) ClaimHolding(string path)
    {
        var mount = Assert.Single(
            Container.Sequence("volumeMounts").Cast<YamlMappingNode>(),
            m => path == m.Scalar("mountPath") || path.StartsWith(m.Scalar("mountPath").TrimEnd('/') + "/", StringComparison.Ordinal));
        var volume = Assert.Single(Job.Sequence("spec.template.spec.volumes").Cast<YamlMappingNode>(), v => v.Scalar("name") == mount.Scalar("name"));
        return (volume.Scalar("persistentVolumeClaim.claimName"), mount.Has("readOnly") && mount.Scalar("readOnly") == "true");
    }

    [Fact]
    public void It_is_an_indexed_job_with_one_pod_per_shard_all_at_once()
    {
        var args = Arguments();

        Assert.Equal("batch/v1", Job.Scalar("apiVersion"));
        Assert.Equal("Indexed", Job.Scalar("spec.completionMode"));
        var shards = int.Parse(args["--shard-count"]!, CultureInfo.InvariantCulture);
        Assert.True(shards > 0);
        Assert.Equal(shards, int.Parse(Job.Scalar("spec.completions"), CultureInfo.InvariantCulture));
        Assert.Equal(shards, int.Parse(Job.Scalar("spec.parallelism"), CultureInfo.InvariantCulture));

        // The index comes from JOB_COMPLETION_INDEX, and a replaced pod resumes: no fixed shard, no --restart.
        Assert.DoesNotContain("--shard", args.Keys);
        Assert.DoesNotContain("--restart", args.Keys);
    }

    [Fact]
    public void A_failed_pod_is_retried_per_index_under_a_valid_failure_policy()
    {
        Assert.True(int.Parse(Job.Scalar("spec.backoffLimitPerIndex"), CultureInfo.InvariantCulture) > 0);
        var restartPolicy = Job.Scalar("spec.template.spec.restartPolicy");
        Assert.Contains(restartPolicy, new[] { "Never", "OnFailure" });
        if (Job.Mapping("spec").Has("podFailurePolicy"))
        {
            // Kubernetes accepts a pod failure policy only with restartPolicy Never.
            Assert.Equal("Never", restartPolicy);
            Assert.All(Job.Sequence("spec.podFailurePolicy.rules").Cast<YamlMappingNode>(),
                rule => Assert.Contains(rule.Scalar("action"), new[] { "Ignore", "FailIndex", "FailJob", "Count" }));
        }
    }

    [Fact]
    public void The_table_and_the_input_live_on_shared_claims_mounted_where_the_tool_looks()
    {
        var args = Arguments();
        var claims = Documents.Where(d => d.Scalar("kind") == "PersistentVolumeClaim").ToDictionary(d => d.Scalar("metadata.name"), StringComparer.Ordinal);

        var (vectors, vectorsReadOnly) = ClaimHolding(args["--db"]!);
        var (reads, _) = ClaimHolding(args["--input"]!);

        Assert.False(vectorsReadOnly, "every pod appends to the table");
        Assert.NotEqual(vectors, reads);
        foreach (var claim in new[] { vectors, reads })
        {
            Assert.True(claims.ContainsKey(claim), $"claim '{claim}' is not defined in the manifest");
            Assert.Equal(["ReadWriteMany"], claims[claim].Sequence("spec.accessModes").Select(m => ((YamlScalarNode)m).Value));
        }
    }

    [Fact]
    public void Prometheus_scrapes_the_port_the_tool_serves_metrics_on()
    {
        var port = Arguments()["--metrics-port"];

        var annotations = Job.Mapping("spec.template.metadata.annotations");
        Assert.Equal("true", annotations.ScalarUnder("prometheus.io/scrape"));
        Assert.Equal(port, annotations.ScalarUnder("prometheus.io/port"));
        Assert.Equal("/metrics", annotations.ScalarUnder("prometheus.io/path"));
        Assert.Contains(Container.Sequence("ports").Cast<YamlMappingNode>(), p => p.Scalar("containerPort") == port && p.Scalar("name") == "metrics");
    }

    [Fact]
    public void Each_pod_asks_for_the_cpu_and_memory_it_needs()
    {
        Assert.NotEmpty(Container.Scalar("resources.requests.cpu"));
        Assert.Equal(Container.Scalar("resources.requests.memory"), Container.Scalar("resources.limits.memory"));
    }
}
