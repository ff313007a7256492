namespace Connectomics.Gpu.Runtime;

/// <summary>How the Intel MKL inside libtorch chooses its kernels on x86-64 processors that are not Intel's.</summary>
public enum MklDispatchMode
{
    /// <summary>MKL as shipped: on non-Intel processors its vendor check answers "not Intel" and it takes generic
    /// kernels. Nothing in the process is changed.</summary>
    AsShipped,

    /// <summary>libtorch's call of MKL's vendor check (<c>mkl_serv_intel_cpu_true</c>) is redirected, through its
    /// procedure linkage table slot, to a function that answers "Intel", so MKL dispatches on the CPU's features and
    /// takes its AVX2/AVX-512 kernels (about 2× faster on a 2-core AMD EPYC). This rewrites one pointer in the loaded
    /// libtorch for the whole process. MKL's multi-threaded calls under it have given non-reproducible results on an
    /// AMD EPYC (embeddings moved by up to 4e-4 in about one process in eight under load); its single-threaded calls,
    /// which the embedder's default CPU workers make, never did.</summary>
    CpuFeatures,
}
