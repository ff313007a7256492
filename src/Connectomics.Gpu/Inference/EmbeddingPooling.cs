namespace Connectomics.Gpu.Inference;

/// <summary>How per-token hidden states become one vector per sequence.</summary>
public enum EmbeddingPooling
{
    /// <summary>The mean over every real token, CLS included, as the NT model cards compute it.</summary>
    Mean,

    /// <summary>The hidden state of the CLS token (position 0).</summary>
    Cls,

    /// <summary>The element-wise maximum over every real token, CLS included.</summary>
    Max,
}
