using System.Runtime.InteropServices;
using Connectomics.Gpu.Runtime;
using Connectomics.Testing;
using TorchSharp;

namespace Connectomics.RuntimeProbeProcess;

/// <summary>Reads process-wide state the TorchSharp runtime could change, from what the process actually does.</summary>
internal static unsafe partial class ProcessObservations
{
    private const int ProbeBlock = 40 << 20;

    /// <summary>Whether a 40 MiB block is served by a fresh mapping (glibc's default above its 32 MiB maximum mmap
    /// threshold) rather than from the heap (<c>M_MMAP_MAX=0</c>): the count of mmapped blocks grows while it is
    /// held.</summary>
    /// <returns><see langword="true"/> when the block was mapped.</returns>
    public static bool LargeBlockIsMapped()
    {
        var before = GlibcMallocStatistics.Read().MmappedBlocks;
        var block = NativeMemory.Alloc(ProbeBlock);
        try
        {
            return GlibcMallocStatistics.Read().MmappedBlocks > before;
        }
        finally
        {
            NativeMemory.Free(block);
        }
    }

    /// <summary>Reads <c>THP_MEM_ALLOC_ENABLE</c> from the C environment, where libtorch reads it.</summary>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static string? HugePagesVariable() => Marshal.PtrToStringUTF8(GetEnv("THP_MEM_ALLOC_ENABLE"));

    /// <summary>libtorch's intra-op thread count on the calling thread.</summary>
    /// <returns>The count.</returns>
    public static int CallingThreadThreads() => torch.get_num_threads();

    /// <summary>libtorch's intra-op thread count on a thread that never ran libtorch before (the process default).</summary>
    /// <returns>The count.</returns>
    public static int FreshThreadThreads()
    {
        var count = 0;
        var thread = new Thread(() => count = torch.get_num_threads());
        thread.Start();
        thread.Join();
        return count;
    }

    /// <summary>What MKL hears from its vendor check when libtorch calls it: the function its PLT slot points at,
    /// called.</summary>
    /// <returns>1 for "Intel", 0 otherwise; <see langword="null"/> where libtorch has no such slot.</returns>
    public static int? MklVendorCheckThroughLibtorch()
    {
        var libtorchCpu = Path.Combine(Path.GetDirectoryName(TorchRuntime.Current!.NativeLibrary.ShippedLibraryPath)!, "libtorch_cpu.so");
        using var image = ElfImage.Map(libtorchCpu);
        if (!image.TryFindPltSlot(MklVendorDispatch.VendorCheckSymbol, out var slot))
        {
            return null;
        }

        var target = *(IntPtr*)(HostLibraryResolver.BaseAddressOf(NativeLibrary.Load(libtorchCpu)) + (nint)slot);
        return ((delegate* unmanaged<int>)target)();
    }

    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);
}
