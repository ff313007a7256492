using System.Runtime.InteropServices;
using TorchSharp;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// Sets libtorch's intra-op thread count of the calling thread only.
/// </summary>
/// <remarks>
/// <c>torch.set_num_threads</c> sets the calling thread's OpenMP and MKL counts, but also stores the count as the one
/// every thread takes when it first runs a parallel libtorch operation: a CPU worker calling it would change the
/// default of threads elsewhere in the process (libtorch's <c>at::set_num_threads</c>, <c>init_num_threads</c>). This
/// type first lets libtorch initialise the calling thread's count from its default (<c>torch.get_num_threads</c>),
/// then sets only that thread's OpenMP count (<c>omp_set_num_threads</c> of the OpenMP runtime libtorch links) and
/// MKL count (<c>mkl_set_num_threads_local</c>, exported as <c>MKL_Set_Num_Threads_Local</c>). Where libtorch exports neither, it falls back to
/// <c>torch.set_num_threads</c>.
/// </remarks>
internal sealed unsafe class ThreadIntraOpThreads
{
    private readonly delegate* unmanaged<int, void> _ompSetNumThreads;
    private readonly delegate* unmanaged<int, int> _mklSetNumThreadsLocal;

    private ThreadIntraOpThreads(IntPtr ompSetNumThreads, IntPtr mklSetNumThreadsLocal)
    {
        _ompSetNumThreads = (delegate* unmanaged<int, void>)ompSetNumThreads;
        _mklSetNumThreadsLocal = (delegate* unmanaged<int, int>)mklSetNumThreadsLocal;
    }

    /// <summary>Gets a value indicating whether counts are set per thread (otherwise through
    /// <c>torch.set_num_threads</c>).</summary>
    public bool IsThreadLocal => _ompSetNumThreads != null;

    /// <summary>Finds the functions in the <c>libtorch_cpu.so</c> the process uses and its dependencies.</summary>
    /// <param name="libtorchCpu">The library, or <see langword="null"/> when it is unknown.</param>
    /// <param name="missing">What was not found, when the answer falls back to <c>torch.set_num_threads</c>.</param>
    /// <returns>The setter.</returns>
    public static ThreadIntraOpThreads Resolve(string? libtorchCpu, out string? missing)
    {
        missing = null;
        if (libtorchCpu is null || !NativeLibrary.TryLoad(libtorchCpu, out var handle))
        {
            missing = "libtorch_cpu.so";
            return new ThreadIntraOpThreads(IntPtr.Zero, IntPtr.Zero);
        }

        // dlsym on a library handle searches the library and then its dependencies (libgomp for OpenMP).
        var omp = NativeLibrary.TryGetExport(handle, "omp_set_num_threads", out var ompSet) ? ompSet : IntPtr.Zero;
        // MKL's C entry point; the lower-case mkl_set_num_threads_local symbol is its Fortran one, which takes a pointer.
        var mkl = NativeLibrary.TryGetExport(handle, "MKL_Set_Num_Threads_Local", out var mklSet) ? mklSet : IntPtr.Zero;
        if (omp == IntPtr.Zero)
        {
            missing = "omp_set_num_threads";
            return new ThreadIntraOpThreads(IntPtr.Zero, IntPtr.Zero);
        }

        return new ThreadIntraOpThreads(omp, mkl);
    }

    /// <summary>Sets the calling thread's intra-op thread count.</summary>
    /// <param name="threads">The count.</param>
    public void SetForCurrentThread(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (_ompSetNumThreads == null)
        {
            torch.set_num_threads(threads);
            return;
        }

        // libtorch initialises a thread's count from its process default on the thread's first parallel operation,
        // which would overwrite a count set before; get_num_threads runs that initialisation now.
        torch.get_num_threads();
        _ompSetNumThreads(threads);
        if (_mklSetNumThreadsLocal != null)
        {
            _mklSetNumThreadsLocal(threads);
        }
    }
}
