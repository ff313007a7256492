namespace Connectomics.Deploy.Tests.Slurm;

/// <summary>The tests that share one <see cref="SlurmCluster"/>; it starts before the first and stops after the last.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Slurm";
}
