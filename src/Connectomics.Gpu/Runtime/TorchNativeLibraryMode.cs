namespace Connectomics.Gpu.Runtime;

/// <summary>How the TorchSharp native library was made loadable on this host.</summary>
public enum TorchNativeLibraryMode
{
    /// <summary>Nothing to do: not Linux, or no <c>libLibTorchSharp.so</c> beside the application.</summary>
    NotApplicable,

    /// <summary>The host satisfies every symbol version the library needs; it is loaded as shipped.</summary>
    Unchanged,

    /// <summary>
    /// The host lacks symbol versions that the library only names as markers (no relocation uses them); a copy with
    /// those needs marked weak was written to the cache directory and loaded in place of the shipped file.
    /// </summary>
    WeakenedCopy,
}
