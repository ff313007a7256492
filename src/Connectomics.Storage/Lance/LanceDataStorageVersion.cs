namespace Connectomics.Storage.Lance;

/// <summary>The Lance data file format version a table stores its data in. All files of a table share one version.</summary>
public enum LanceDataStorageVersion
{
    /// <summary>Format 2.0: plain Arrow buffers per page. Read and written by this library.</summary>
    V2_0 = 0,

    /// <summary>Format 2.1 (the LanceDB default): mini-block and full-zip page layouts. Written by this library with uncompressed encodings.</summary>
    V2_1 = 1,
}
