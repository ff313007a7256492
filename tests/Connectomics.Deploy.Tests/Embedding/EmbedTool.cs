using System.Reflection;

namespace Connectomics.Deploy.Tests.Embedding;

/// <summary>
/// The real <c>connectomics-embed</c>, from this build's output (the project reference builds it before the tests):
/// <c>artifacts/bin/Connectomics.Embed/&lt;configuration&gt;/Connectomics.Embed.dll</c>, run with <c>dotnet</c>.
/// </summary>
/// <remarks>
/// The job scripts take this dll as they take a published folder (<c>CONNECTOMICS_EMBED=.../Connectomics.Embed.dll</c>
/// runs <c>dotnet</c> on it). The tests do not publish: a published folder is another copy of the build output, over a
/// gigabyte with libtorch, for the same program.
/// </remarks>
internal static class EmbedTool
{
    /// <summary>Gets the path of the tool's dll, which exists.</summary>
    public static string DllPath { get; } = Find();

    /// <summary>Runs the tool to its end from <paramref name="workingDirectory"/> with <paramref name="arguments"/>.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> arguments, string workingDirectory, params (string Name, string Value)[] environment) =>
        LanceDbClientInstall.ExecAsync("dotnet", [DllPath, .. arguments], workingDirectory, environment);

    private static string Find()
    {
        var configuration = typeof(EmbedTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.Embed", configuration.ToLowerInvariant(), "Connectomics.Embed.dll");
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: build samples/Connectomics.Embed in the configuration of the tests ({configuration}).");
    }
}
