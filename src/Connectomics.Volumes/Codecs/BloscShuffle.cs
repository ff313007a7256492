namespace Connectomics.Volumes.Codecs;

/// <summary>The filter Blosc applies to each block before compressing it.</summary>
public enum BloscShuffle
{
    /// <summary>No filter.</summary>
    None,

    /// <summary>Byte shuffle: byte <c>j</c> of every element grouped together, for each <c>j</c>.</summary>
    Byte,

    /// <summary>Bit shuffle: bit <c>b</c> of byte <c>j</c> of every element grouped together (bitshuffle's layout).</summary>
    Bit,
}
