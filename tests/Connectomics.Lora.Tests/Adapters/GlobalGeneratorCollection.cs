namespace Connectomics.Lora.Tests.Adapters;

/// <summary>Tests that seed and then draw from torch's global generator run alone, so that no test running in
/// parallel draws from it in between.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
    public const string Name = "torch global generator";
}
