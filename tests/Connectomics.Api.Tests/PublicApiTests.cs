using System.Reflection;

namespace Connectomics.Api.Tests;

/// <summary>
/// The public API of every package, compared with the approved listing under <c>approved/</c>: a change to the
/// surface users compile against must be a deliberate one. To accept a change, run the tests with
/// <c>CONNECTOMICS_APPROVE_API=1</c> and commit the rewritten listings.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages() => new()
    {
        "Connectomics.Abstractions",
        "Connectomics.Gpu",
        "Connectomics.Storage",
        "Connectomics.Lora",
        "Connectomics.Pipelines",
        "Connectomics.Volumes",
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void Public_api_matches_the_approved_listing(string package)
    {
        var actual = PublicApiListing.Of(Assembly.Load(package));
        var approved = Path.Combine(SourceDirectory(), "approved", $"{package}.txt");
        if (Environment.GetEnvironmentVariable("CONNECTOMICS_APPROVE_API") == "1")
        {
            File.WriteAllText(approved, actual);
        }

        Assert.True(File.Exists(approved), $"No approved listing at {approved}; run with CONNECTOMICS_APPROVE_API=1.");
        var expected = File.ReadAllText(approved);
        if (expected != actual)
        {
            var before = expected.Split('\n').ToHashSet();
            var after = actual.Split('\n').ToHashSet();
            var removed = before.Except(after).Take(20).Select(l => "- " + l);
            var added = after.Except(before).Take(20).Select(l => "+ " + l);
            Assert.Fail($"The public API of {package} changed (approve with CONNECTOMICS_APPROVE_API=1):\n{string.Join("\n", removed.Concat(added))}");
        }
    }

    private static string SourceDirectory() => Path.Combine(RepositoryRoot.Path, "tests", "Connectomics.Api.Tests");
}
