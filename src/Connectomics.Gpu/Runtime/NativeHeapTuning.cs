using System.Runtime.InteropServices;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// Keeps glibc's allocator from returning large freed blocks to the kernel after every tensor operation, and asks
/// libtorch for transparent huge pages; applied by <see cref="TorchRuntime"/> when <see cref="TorchRuntimeOptions"/>
/// ask for it.
/// </summary>
/// <remarks>
/// By default glibc serves blocks above 128 KiB-32 MiB (a sliding threshold) with <c>mmap</c> and unmaps them when
/// freed, so every transient activation of a forward pass costs page faults on first touch; on small CPU machines
/// that kernel time dominated inference. <see cref="ApplyAllocatorSettings"/> sets <c>M_MMAP_MAX</c> to 0 (large
/// blocks come from the heap) and <c>M_TRIM_THRESHOLD</c> to 2 GiB (freed heap is kept for reuse): the process then
/// keeps its peak native memory instead of returning it between batches.
/// <para>
/// Threads other than the main one allocate from glibc's per-thread heaps of 64 MiB each. When a block freed there
/// leaves a whole heap empty, glibc unmaps that heap at once, whatever the trim threshold says, unless the heap
/// before it has less room left than <c>M_TOP_PAD</c>; the next batch then maps it again and faults in every page.
/// It therefore also sets <c>M_TOP_PAD</c> to 64 MiB, which keeps such heaps mapped (CPU workers and replica threads
/// stop paying those faults). Blocks above 64 MiB requested from such threads still come from fresh mappings:
/// <see cref="RequestHugePages"/> sets <c>THP_MEM_ALLOC_ENABLE=1</c> for libtorch, whose CPU allocator then asks
/// for transparent huge pages on large tensors (512 times fewer page faults), unless the variable is already set.
/// </para>
/// Both change the whole process; they do nothing on other C libraries or operating systems, and the huge-page part
/// only applies before libtorch's first allocation.
/// </remarks>
internal static partial class NativeHeapTuning
{
    /// <summary>The libtorch variable that makes its CPU allocator use transparent huge pages for large tensors.</summary>
    public const string HugePagesVariable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>What <see cref="ApplyAllocatorSettings"/> sets, for the runtime state.</summary>
    public const string AllocatorSettings = "M_MMAP_MAX=0, M_TRIM_THRESHOLD=2 GiB, M_TOP_PAD=64 MiB";

    private const int TrimThreshold = -1;
    private const int TopPad = -2;
    private const int MmapMax = -4;
    private const int WorkerHeapSize = 64 << 20;
    private static readonly Lock Gate = new();
    private static bool? applied;

    /// <summary>Applies the allocator settings (idempotent).</summary>
    /// <returns><see langword="true"/> when glibc accepted every setting.</returns>
    public static bool ApplyAllocatorSettings()
    {
        lock (Gate)
        {
            if (applied is bool done)
            {
                return done;
            }

            try
            {
                applied = OperatingSystem.IsLinux() && MallOpt(MmapMax, 0) == 1 && MallOpt(TrimThreshold, int.MaxValue) == 1
                    && MallOpt(TopPad, WorkerHeapSize) == 1;
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

    /// <summary>Reads <see cref="HugePagesVariable"/> from the C environment (libtorch reads it with <c>getenv</c>,
    /// so .NET's copy of the environment is not what counts).</summary>
    /// <returns>The value, or <see langword="null"/> when unset or not on Linux.</returns>
    public static string? HugePagesSetting()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(GetEnv(HugePagesVariable));
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Sets <see cref="HugePagesVariable"/> to 1 in the C environment unless it is already set.</summary>
    /// <returns><see langword="true"/> when this call set it.</returns>
    public static bool RequestHugePages()
    {
        if (!OperatingSystem.IsLinux() || HugePagesSetting() is not null)
        {
            return false;
        }

        try
        {
            return SetEnv(HugePagesVariable, "1", overwrite: 0) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
