namespace Connectomics.CrashTests.Volumes;

/// <summary>The volume crash tests share the volume and the reference run, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class VolumeCrashCollection : ICollectionFixture<VolumeCrashRuns>
{
    public const string Name = "volume crash runs";
}
