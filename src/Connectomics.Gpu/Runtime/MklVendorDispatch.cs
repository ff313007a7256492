using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// Lets the MKL inside libtorch use the vector kernels the CPU supports on non-Intel x86 processors.
/// </summary>
/// <remarks>
/// <para>
/// libtorch's CPU build links Intel MKL statically, and MKL's kernel dispatcher asks
/// <c>mkl_serv_intel_cpu_true()</c> before choosing its AVX2/AVX-512 code paths; on AMD processors the answer is 0
/// and every single-precision matrix product falls back to a generic path (on a 2-core AMD EPYC with AVX-512: about
/// 180 GFLOP/s instead of about 390). libtorch calls that function through its procedure linkage table, so pointing
/// that one table slot at a function that returns 1 makes MKL dispatch on the CPU's actual features, as it does on
/// Intel processors. Nothing else changes; on Intel processors, other architectures, a libtorch without MKL or a
/// protected slot this does nothing.
/// </para>
/// <para>Set the environment variable <c>CONNECTOMICS_MKL_VENDOR_DISPATCH=keep</c> to leave MKL as shipped.</para>
/// </remarks>
internal static unsafe partial class MklVendorDispatch
{
    /// <summary>The MKL function that reports whether the processor is an Intel one.</summary>
    public const string VendorCheckSymbol = "mkl_serv_intel_cpu_true";

    /// <summary>The environment variable that turns the redirection off (value <c>keep</c>).</summary>
    public const string OptOutVariable = "CONNECTOMICS_MKL_VENDOR_DISPATCH";

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;

    // mov eax, 1 ; ret
    private static readonly byte[] ReturnOne = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3];

    private static IntPtr stub;

    /// <summary>Gets the address of the function the slot is redirected to, once it was made.</summary>
    public static IntPtr Stub => stub;

    /// <summary>Gets a value indicating whether this process runs on an x86-64 processor whose vendor is not Intel.</summary>
    public static bool IsNonIntelX64 => RuntimeInformation.ProcessArchitecture == Architecture.X64 && X86Base.IsSupported && Vendor() != "GenuineIntel";

    /// <summary>Redirects libtorch's calls of <see cref="VendorCheckSymbol"/> when that helps (see the remarks).</summary>
    /// <param name="libtorchCpu">The shipped <c>libtorch_cpu.so</c>.</param>
    /// <returns>What was done, for the runtime status.</returns>
    public static string Apply(string libtorchCpu)
    {
        if (!OperatingSystem.IsLinux() || !IsNonIntelX64)
        {
            return "not needed (Intel or non-x86 processor)";
        }

        if (string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "keep", StringComparison.OrdinalIgnoreCase))
        {
            return $"left as shipped ({OptOutVariable}=keep)";
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

        *slotAddress = EnsureStub();
        return "MKL dispatches on CPU features";
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
