namespace Connectomics.Gpu.Inference;

/// <summary>The number format of the projections (the matrix products that dominate the cost).</summary>
public enum ComputePrecision
{
    /// <summary>float32 throughout (the only choice on CPU that matches the reference within 1e-4).</summary>
    Float32,

    /// <summary>bfloat16 projections; LayerNorms, residuals and outputs stay float32 (as autocast does).</summary>
    BFloat16,

    /// <summary>float16 projections; LayerNorms, residuals and outputs stay float32 (as autocast does).</summary>
    Float16,
}
