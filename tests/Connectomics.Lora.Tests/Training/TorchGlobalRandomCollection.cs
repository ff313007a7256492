namespace Connectomics.Lora.Tests.Training;

/// <summary>Training runs draw dropout from torch's process-wide generator and set its state on resume: tests that
/// train run alone, so that no other test draws from that generator in the middle of a run.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalRandomCollection
{
    public const string Name = "Torch global random generator";
}
