using System.Runtime.InteropServices;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// Keeps glibc's allocator from returning large freed blocks to the kernel after every tensor operation.
/// </summary>
/// <remarks>
/// By default glibc serves blocks above 128 KiB-32 MiB (a sliding threshold) with <c>mmap</c> and unmaps them when
/// freed, so every transient activation of a forward pass costs page faults on first touch; on small CPU machines
/// that kernel time dominated inference. <see cref="Apply"/> sets <c>M_MMAP_MAX</c> to 0 (large blocks come from
/// the heap) and <c>M_TRIM_THRESHOLD</c> to 2 GiB (freed heap is kept for reuse): the process then keeps its peak
/// native memory instead of returning it between batches. It changes the whole process, once; it does nothing on
/// other C libraries or operating systems.
/// </remarks>
public static partial class NativeHeapTuning
{
    private const int TrimThreshold = -1;
    private const int MmapMax = -4;
    private static readonly Lock Gate = new();
    private static bool? applied;

    /// <summary>Gets a value indicating whether the tuning is in effect.</summary>
    public static bool IsApplied
    {
        get
        {
            lock (Gate)
            {
                return applied == true;
            }
        }
    }

    /// <summary>Applies the tuning (idempotent).</summary>
    /// <returns><see langword="true"/> when glibc accepted both settings.</returns>
    public static bool Apply()
    {
        lock (Gate)
        {
            if (applied is bool done)
            {
                return done;
            }

            try
            {
                applied = OperatingSystem.IsLinux() && MallOpt(MmapMax, 0) == 1 && MallOpt(TrimThreshold, int.MaxValue) == 1;
            }
            catch (EntryPointNotFoundException)
            {
                applied = false; // not glibc (e.g. musl)
            }
            catch (DllNotFoundException)
            {
                applied = false;
            }

            return applied.Value;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
