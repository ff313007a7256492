namespace Connectomics.Gpu.Models;

/// <summary>How an ESM encoder tells positions apart.</summary>
public enum PositionEmbeddingType
{
    /// <summary>Learned absolute positions offset by the padding index (NT v1).</summary>
    Absolute,

    /// <summary>Rotary embeddings applied to queries and keys (NT v2).</summary>
    Rotary,
}
