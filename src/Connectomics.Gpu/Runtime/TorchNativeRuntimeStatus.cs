namespace Connectomics.Gpu.Runtime;

/// <summary>How TorchSharp's native library was loaded in this process (<see cref="TorchRuntimeState.NativeLibrary"/>).</summary>
/// <param name="Mode">How the library was made loadable.</param>
/// <param name="ShippedLibraryPath">The <c>libLibTorchSharp.so</c> that ships with the application, when found.</param>
/// <param name="LoadedLibraryPath">The file actually loaded (the shipped one, or the weakened copy).</param>
/// <param name="WeakenedVersions">The symbol versions marked weak in the copy (e.g. <c>GLIBCXX_3.4.32</c>).</param>
public sealed record TorchNativeRuntimeStatus(
    TorchNativeLibraryMode Mode,
    string? ShippedLibraryPath,
    string? LoadedLibraryPath,
    IReadOnlyList<string> WeakenedVersions);
