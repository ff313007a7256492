namespace Connectomics.CrashTests;

/// <summary>The crash tests share the inputs and the reference runs, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class CrashCollection : ICollectionFixture<CrashRuns>
{
    public const string Name = "crash runs";
}
