using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// Optionally lets the MKL inside libtorch use the vector kernels the CPU supports on non-Intel x86 processors.
/// </summary>
/// <remarks>
/// <para>
/// libtorch's CPU build links Intel MKL statically, and MKL's kernel dispatcher asks
/// <c>mkl_serv_intel_cpu_true()</c> before choosing its AVX2/AVX-512 code paths; on AMD processors the answer is 0
/// and every single-precision matrix product takes a generic path (on a 2-core AMD EPYC with AVX-512: about
/// 180 GFLOP/s instead of about 390). libtorch calls that function through its procedure linkage table, so pointing
/// that one table slot at a function that returns 1 makes MKL dispatch on the CPU's actual features.
/// </para>
/// <para>
/// This is off unless <see cref="TorchRuntimeOptions.MklDispatch"/> is <see cref="MklDispatchMode.CpuFeatures"/>. With it on, MKL's multi-threaded
/// products on an AMD EPYC (Zen 5) occasionally computed one thread's share of the rows differently: in about one
/// process in eight, under load, the embeddings of those rows moved by up to 4e-4 (float32 rounding differences are
/// near 1e-6), and MKL's reproducibility modes did not prevent it. Embeddings must not depend on scheduling, so the
/// faster path is an explicit choice.
/// </para>
/// </remarks>
internal static unsafe partial class MklVendorDispatch
{
    /// <summary>The MKL function that reports whether the processor is an Intel one.</summary>
    public const string VendorCheckSymbol = "mkl_serv_intel_cpu_true";

    /// <summary>What <see cref="Apply"/> reports when it redirected the slot.</summary>
    public const string Redirected = "MKL dispatches on CPU features";

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;

    // mov eax, 1 ; ret
    private static readonly byte[] ReturnOne = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3];

    private static IntPtr stub;
    private static IntPtr original;
    private static IntPtr redirectedSlot;

    /// <summary>Gets the address of the function the slot is redirected to, once it was made.</summary>
    public static IntPtr Stub => stub;

    /// <summary>Gets a value indicating whether this process runs on an x86-64 processor whose vendor is not Intel.</summary>
    public static bool IsNonIntelX64 => RuntimeInformation.ProcessArchitecture == Architecture.X64 && X86Base.IsSupported && Vendor() != "GenuineIntel";

    /// <summary>Redirects libtorch's calls of <see cref="VendorCheckSymbol"/> when <paramref name="mode"/> asks for it.</summary>
    /// <param name="libtorchCpu">The <c>libtorch_cpu.so</c> the process uses.</param>
    /// <param name="mode">What <see cref="TorchRuntimeOptions.MklDispatch"/> asks for.</param>
    /// <returns>What was done, for the runtime state.</returns>
    public static string Apply(string libtorchCpu, MklDispatchMode mode)
    {
        var optedIn = mode == MklDispatchMode.CpuFeatures;
        if (!OperatingSystem.IsLinux() || !IsNonIntelX64)
        {
            return "not needed (Intel or non-x86 processor)";
        }

        if (!optedIn)
        {
            return $"left as shipped (generic kernels on this processor; {nameof(MklDispatchMode)}.{nameof(MklDispatchMode.CpuFeatures)} takes MKL's AVX2/AVX-512 kernels)";
        }

        using var image = ElfImage.Map(libtorchCpu);
        if (!image.TryFindPltSlot(VendorCheckSymbol, out var slot))
        {
            return "not applicable (libtorch does not call MKL's vendor check through its PLT)";
        }

        if (image.IsInRelro(slot))
        {
            return "not applicable (the PLT slot is read-only after loading)";
        }

        var handle = NativeLibrary.Load(libtorchCpu);
        var baseAddress = HostLibraryResolver.BaseAddressOf(handle);
        if (baseAddress == IntPtr.Zero)
        {
            return "not applicable (the loader did not report libtorch's load address)";
        }

        // The slot holds either the lazy-binding trampoline or the resolved function: both inside libtorch's image.
        var slotAddress = (IntPtr*)(baseAddress + (nint)slot);
        var current = (ulong)*slotAddress;
        var low = (ulong)baseAddress;
        var isOurs = stub != IntPtr.Zero && *slotAddress == stub;
        if (!isOurs && (current < low || current >= low + image.MappedEnd))
        {
            return "not applicable (the PLT slot does not point into libtorch)";
        }

        if (!isOurs)
        {
            original = *slotAddress;
            redirectedSlot = (IntPtr)slotAddress;
        }

        *slotAddress = EnsureStub();
        return Redirected;
    }

    /// <summary>Puts back what the slot held before <see cref="Apply"/> redirected it.</summary>
    /// <returns><see langword="true"/> when a redirection was undone.</returns>
    public static bool Restore()
    {
        if (redirectedSlot == IntPtr.Zero)
        {
            return false;
        }

        *(IntPtr*)redirectedSlot = original;
        redirectedSlot = IntPtr.Zero;
        return true;
    }

    private static IntPtr EnsureStub()
    {
        if (stub != IntPtr.Zero)
        {
            return stub;
        }

        var page = MMap(IntPtr.Zero, 4096, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == new IntPtr(-1))
        {
            throw new TorchRuntimeException("Cannot allocate a page for MKL's vendor-check replacement.");
        }

        Marshal.Copy(ReturnOne, 0, page, ReturnOne.Length);
        if (MProtect(page, 4096, ProtRead | ProtExec) != 0)
        {
            throw new TorchRuntimeException("Cannot make MKL's vendor-check replacement executable.");
        }

        stub = page;
        return stub;
    }

    private static string Vendor()
    {
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<byte> bytes = stackalloc byte[12];
        BitConverter.TryWriteBytes(bytes, ebx);
        BitConverter.TryWriteBytes(bytes[4..], edx);
        BitConverter.TryWriteBytes(bytes[8..], ecx);
        return Encoding.ASCII.GetString(bytes);
    }

    [LibraryImport("libc.so.6", EntryPoint = "mmap")]
    private static partial IntPtr MMap(IntPtr address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc.so.6", EntryPoint = "mprotect")]
    private static partial int MProtect(IntPtr address, nuint length, int protection);
}
