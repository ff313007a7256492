namespace Connectomics.Gpu.Models;

/// <summary>How attention is computed. Both give the same results within float rounding.</summary>
public enum AttentionImplementation
{
    /// <summary>libtorch's fused scaled-dot-product attention (the default; fastest on CPU and CUDA).</summary>
    ScaledDotProduct,

    /// <summary>The explicit matmul–mask–softmax–matmul sequence of the Hugging Face "eager" implementation.</summary>
    Eager,
}
