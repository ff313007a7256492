using YamlDotNet.RepresentationModel;

namespace Connectomics.Deploy.Tests.Kubernetes;

/// <summary><c>samples/deploy/kubernetes/embed-job.yaml</c>, parsed: its documents, the Job and the Job's one container.</summary>
internal static class EmbedJobManifest
{
    /// <summary>Gets the manifest's documents, each a mapping.</summary>
    public static YamlMappingNode[] Documents { get; } = Load();

    /// <summary>Gets the one Job of the manifest.</summary>
    public static YamlMappingNode Job => Assert.Single(Documents, d => d.Scalar("kind") == "Job");

    /// <summary>Gets the Job's one container.</summary>
    public static YamlMappingNode Container => Assert.IsType<YamlMappingNode>(Assert.Single(Job.Sequence("spec.template.spec.containers")));

    /// <summary>Gets the container's arguments, as the tool receives them.</summary>
    public static string[] Arguments => [.. Container.Sequence("args").Select(a => Assert.IsType<YamlScalarNode>(a).Value!)];

    private static YamlMappingNode[] Load()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepositoryRoot.Path, "samples", "deploy", "kubernetes", "embed-job.yaml")))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode))];
    }
}
