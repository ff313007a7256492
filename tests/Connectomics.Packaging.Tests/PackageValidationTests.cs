
namespace Connectomics.Packaging.Tests;

/// <summary>
/// Packing a library compares it with the committed baseline package (eng/package-baseline): a copy of
/// Connectomics.Abstractions, built with the repository's own build files, packs cleanly as it is and fails with
/// CP0002 once a public member is removed.
/// </summary>
public sealed class PackageValidationTests : IDisposable
{
    private const string Library = "Connectomics.Abstractions";

    private static readonly string[] BuildFiles =
        ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "BannedSymbols.txt", "global.json", "nuget.config"];

    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-validation-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Every_library_has_a_committed_baseline_package()
    {
        var baseline = Path.Combine(RepositoryRoot.Path, "eng", "package-baseline");
        // Every packaged library: src/Shared holds source the libraries compile in, not a package.
        var projects = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .ToList();
        Assert.Equal(["Connectomics.Abstractions", "Connectomics.Gpu", "Connectomics.Lora", "Connectomics.Pipelines", "Connectomics.Storage", "Connectomics.Volumes"], projects.Order(StringComparer.Ordinal));
        var baselineVersion = Version.Parse(PropertyOf(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Directory.Build.props")), "ConnectomicsPackageBaselineVersion")!);
        foreach (var project in projects)
        {
            // A library first released after the baseline has nothing to stay compatible with yet: it says so in its
            // project file, and gets its baseline when a release becomes the new one.
            var projectFile = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "src", project!), "*.csproj").Single();
            if (PropertyOf(File.ReadAllText(projectFile), "ConnectomicsFirstRelease") is { } firstRelease && Version.Parse(firstRelease) > baselineVersion)
            {
                Assert.Empty(Directory.GetFiles(baseline, $"{project}.*.nupkg"));
                continue;
            }

            var package = Assert.Single(Directory.GetFiles(baseline, $"{project}.*.nupkg"));
            Assert.True(new FileInfo(package).Length < 1 << 20, $"{package} holds more than the managed library.");
        }
    }

    private static string? PropertyOf(string msbuild, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(msbuild, $"<{name}>([^<]+)</{name}>");
        return match.Success ? match.Groups[1].Value.Trim() : null;
    }

    [Fact]
    public void Packing_fails_with_CP0002_when_a_public_member_of_the_baseline_is_removed()
    {
        var root = CopyLibrary();
        var (code, output) = Pack(root);
        Assert.True(code == 0, $"the unchanged copy does not pack:\n{output}");

        var source = Path.Combine(root, "src", Library, "Errors", "InvalidSequenceException.cs");
        var text = File.ReadAllText(source);
        Assert.Contains("    public int? Position { get; }", text, StringComparison.Ordinal);
        File.WriteAllText(source, text.Replace("    public int? Position { get; }", "    internal int? Position { get; }", StringComparison.Ordinal));

        (code, output) = Pack(root);
        Assert.True(code != 0, $"packing without InvalidSequenceException.Position succeeded:\n{output}");
        Assert.Contains("CP0002", output, StringComparison.Ordinal);
        Assert.Contains("Connectomics.InvalidSequenceException.Position", output, StringComparison.Ordinal);
    }

    /// <summary>Copies the build files, the baseline and the library's sources into a tree of their own.</summary>
    private string CopyLibrary()
    {
        var root = Path.Combine(_work, "repo");
        foreach (var file in BuildFiles)
        {
            Directory.CreateDirectory(root);
            File.Copy(Path.Combine(RepositoryRoot.Path, file), Path.Combine(root, file));
        }

        var baseline = Path.Combine(root, "eng", "package-baseline");
        Directory.CreateDirectory(baseline);
        foreach (var package in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "eng", "package-baseline"), $"{Library}.*.nupkg"))
        {
            File.Copy(package, Path.Combine(baseline, Path.GetFileName(package)));
        }

        var from = Path.Combine(RepositoryRoot.Path, "src", Library);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
            {
                continue;
            }

            var to = Path.Combine(root, "src", Library, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return root;
    }

    private (int ExitCode, string Output) Pack(string root) =>
        DotnetProcess.Run(root, "pack", Path.Combine("src", Library, $"{Library}.csproj"), "-o", Path.Combine(_work, "out"), "-p:PackageVersion=0.3.0-validation");
}
