namespace Connectomics.Gpu.Tests.Runtime;

/// <summary>Runs alone: one of its tests redirects a process-wide slot of libtorch for a moment.</summary>
[CollectionDefinition(nameof(MklVendorDispatchCollection), DisableParallelization = true)]
public sealed class MklVendorDispatchCollection;
