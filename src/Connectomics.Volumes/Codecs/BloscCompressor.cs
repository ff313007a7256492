namespace Connectomics.Volumes.Codecs;

/// <summary>The compressor inside a Blosc 1 frame (bits 5–7 of its flags, except LZ4HC, which shares LZ4's format).</summary>
public enum BloscCompressor
{
    /// <summary>BloscLZ, Blosc's own FastLZ derivative (decode only here).</summary>
    BloscLz,

    /// <summary>LZ4.</summary>
    Lz4,

    /// <summary>LZ4 high compression (decoded as LZ4).</summary>
    Lz4Hc,

    /// <summary>Snappy (decode only here).</summary>
    Snappy,

    /// <summary>Zlib (deflate with the zlib wrapper).</summary>
    Zlib,

    /// <summary>Zstandard.</summary>
    Zstd,
}
