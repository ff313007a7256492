namespace Connectomics.Gpu.Tests.Models;

/// <summary>Tests that seed libtorch's process-wide CPU generator and compare the draws of two runs; they run alone,
/// because a test on another thread drawing from the same generator in between would change the second run's draws.</summary>
[CollectionDefinition(nameof(GlobalRandomStateCollection), DisableParallelization = true)]
public sealed class GlobalRandomStateCollection;
