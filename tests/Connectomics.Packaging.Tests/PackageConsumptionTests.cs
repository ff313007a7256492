using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;

namespace Connectomics.Packaging.Tests;

/// <summary>
/// Packs every library and consumes the packages the way users do: by NuGet reference from a throw-away console app
/// that runs one embedding through them.
/// </summary>
public sealed class PackageConsumptionTests : IDisposable
{
    private static readonly string[] Packages = ["Connectomics.Abstractions", "Connectomics.Gpu", "Connectomics.Storage", "Connectomics.Lora", "Connectomics.Pipelines", "Connectomics.Volumes"];

    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-pack-").FullName;
    private readonly string _version = $"0.3.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Pack()
    {
        var root = RepositoryRoot.Path;
        var feed = Path.Combine(_work, "feed");
        // Pack what the test run built: the same configuration as this assembly.
        var configuration = typeof(PackageConsumptionTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        foreach (var package in Packages)
        {
            var (code, output) = DotnetProcess.Run(root, "pack", $"src/{package}/{package}.csproj", "--no-build", "-c", configuration, "-o", feed, $"-p:PackageVersion={_version}");
            Assert.True(code == 0, $"dotnet pack {package} failed:\n{output}");
        }

        return feed;
    }

    [Fact]
    public void Packages_are_consumable_by_a_console_app_through_nuget_references()
    {
        var feed = Pack();
        foreach (var package in Packages)
        {
            Assert.True(File.Exists(Path.Combine(feed, $"{package}.{_version}.nupkg")), $"{package}.nupkg missing");
            Assert.True(File.Exists(Path.Combine(feed, $"{package}.{_version}.snupkg")), $"{package}.snupkg missing");
        }

        // The Gpu package depends on TorchSharp only, never on a native backend, and carries docs and a readme.
        using (var gpu = ZipFile.OpenRead(Path.Combine(feed, $"Connectomics.Gpu.{_version}.nupkg")))
        {
            Assert.NotNull(gpu.GetEntry("lib/net10.0/Connectomics.Gpu.dll"));
            Assert.NotNull(gpu.GetEntry("lib/net10.0/Connectomics.Gpu.xml"));
            Assert.NotNull(gpu.GetEntry("README.md"));
            using var nuspec = gpu.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency")
                .Select(e => (string)e.Attribute("id")!).ToArray();
            Assert.Contains("TorchSharp", dependencies);
            Assert.Contains("Connectomics.Abstractions", dependencies);
            Assert.DoesNotContain(dependencies, d => d.StartsWith("TorchSharp-", StringComparison.Ordinal));
        }

        var app = Path.Combine(_work, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <NoWarn>NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Connectomics.Gpu" Version="{_version}" />
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Connectomics.Gpu.Inference;
            using Connectomics.Sequences;

            using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu").Build();
            var embedding = (await embedder.EmbedAsync([new SequenceRecord("r1", "ATTCCGATTCCGATTCCG")]))[0];
            Console.WriteLine($"id={embedding.Id} dim={embedding.Vector.Length} tokens={embedding.TokenCount} finite={embedding.Vector.ToArray().All(float.IsFinite)}");
            """);

        // An isolated directory tree: the repository's Directory.Build.props must not leak into the app.
        File.WriteAllText(Path.Combine(_work, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_work, "Directory.Packages.props"), "<Project />");
        var (code, output) = DotnetProcess.Run(app, "run");
        Assert.True(code == 0, $"the consuming app failed:\n{output}");
        Assert.Contains("id=r1 dim=128 tokens=4 finite=True", output, StringComparison.Ordinal);
    }
}
