namespace Connectomics.Gpu.Runtime;

/// <summary>The outcome of <see cref="TorchNativeRuntime.EnsureLoaded"/>.</summary>
/// <param name="Mode">How the library was made loadable.</param>
/// <param name="ShippedLibraryPath">The <c>libLibTorchSharp.so</c> that ships with the application, when found.</param>
/// <param name="LoadedLibraryPath">The file actually loaded (the shipped one, or the weakened copy).</param>
/// <param name="WeakenedVersions">The symbol versions marked weak in the copy (e.g. <c>GLIBCXX_3.4.32</c>).</param>
public sealed record TorchNativeRuntimeStatus(
    TorchNativeLibraryMode Mode,
    string? ShippedLibraryPath,
    string? LoadedLibraryPath,
    IReadOnlyList<string> WeakenedVersions)
{
    /// <summary>Gets what was done about MKL's processor-vendor check (libtorch's MKL picks its generic kernels on
    /// non-Intel processors unless the check is redirected), or <see langword="null"/> where libtorch ships no
    /// <c>libtorch_cpu.so</c>.</summary>
    public string? MklDispatch { get; init; }
}
