using System.Runtime.InteropServices;
using Connectomics.Gpu.Runtime;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Runtime;

public sealed unsafe class MklVendorDispatchTests
{
    private static readonly TorchNativeRuntimeStatus Status = TorchNativeRuntime.EnsureLoaded();

    private static string LibtorchCpu => Path.Combine(Path.GetDirectoryName(Status.ShippedLibraryPath)!, "libtorch_cpu.so");

    [Fact]
    public void Libtorch_calls_the_vendor_check_through_a_writable_plt_slot()
    {
        using var image = ElfImage.Map(LibtorchCpu);
        Assert.True(image.TryFindPltSlot(MklVendorDispatch.VendorCheckSymbol, out var slot));
        Assert.False(image.IsInRelro(slot));
        Assert.InRange(slot, 1UL, image.MappedEnd);
        Assert.False(image.TryFindPltSlot("no_such_symbol_anywhere", out _));
    }

    [Fact]
    public void On_non_intel_processors_the_slot_points_at_a_function_returning_one()
    {
        if (!MklVendorDispatch.IsNonIntelX64)
        {
            Assert.StartsWith("not needed", Status.MklDispatch, StringComparison.Ordinal);
            return;
        }

        Assert.Equal("MKL dispatches on CPU features", Status.MklDispatch);
        using var image = ElfImage.Map(LibtorchCpu);
        Assert.True(image.TryFindPltSlot(MklVendorDispatch.VendorCheckSymbol, out var slot));
        var handle = NativeLibrary.Load(LibtorchCpu);
        var slotValue = *(IntPtr*)(HostLibraryResolver.BaseAddressOf(handle) + (nint)slot);
        Assert.Equal(MklVendorDispatch.Stub, slotValue);
        Assert.Equal(1, ((delegate* unmanaged<int>)slotValue)());

        // MKL's own answer on this processor is still "not Intel".
        var original = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, MklVendorDispatch.VendorCheckSymbol);
        Assert.Equal(0, original());
    }

    [Fact]
    public void Matrix_products_stay_exact_to_float_rounding()
    {
        const int n = 192;
        var random = new Random(5);
        var a = Enumerable.Range(0, n * n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, n * n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        using var ta = torch.tensor(a, [n, n]);
        using var tb = torch.tensor(b, [n, n]);
        using var product = ta.matmul(tb);
        var c = product.data<float>().ToArray();
        for (var i = 0; i < n; i += 7)
        {
            for (var j = 0; j < n; j += 5)
            {
                double expected = 0;
                for (var k = 0; k < n; k++)
                {
                    expected += (double)a[(i * n) + k] * b[(k * n) + j];
                }

                Assert.True(Math.Abs(expected - c[(i * n) + j]) < 1e-4, $"[{i},{j}] {c[(i * n) + j]} vs {expected}");
            }
        }
    }
}
