using System.Runtime.InteropServices;
using Connectomics.Gpu.Runtime;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Runtime;

[Collection(nameof(MklVendorDispatchCollection))]
public sealed unsafe class MklVendorDispatchTests
{
    private static readonly TorchRuntimeState Runtime = TorchRuntime.EnsureApplied();

    private static string LibtorchCpu => Path.Combine(Path.GetDirectoryName(Runtime.NativeLibrary.ShippedLibraryPath)!, "libtorch_cpu.so");

    private static string MklDispatchDetail => Runtime[nameof(TorchRuntimeOptions.MklDispatch)].Detail;

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
    public void By_default_the_slot_is_left_as_shipped()
    {
        if (!MklVendorDispatch.IsNonIntelX64)
        {
            Assert.StartsWith("not needed", MklDispatchDetail, StringComparison.Ordinal);
            return;
        }

        Assert.StartsWith("left as shipped", MklDispatchDetail, StringComparison.Ordinal);
        Assert.False(Runtime.MklDispatchesOnCpuFeatures);
        var slotValue = SlotValue();
        Assert.NotEqual(MklVendorDispatch.Stub, slotValue);

        // Through the slot, MKL still hears "not Intel" on this processor.
        MklVendorDispatch.Apply(LibtorchCpu, MklDispatchMode.AsShipped);
        Assert.Equal(slotValue, SlotValue());
        Assert.Equal(0, ((delegate* unmanaged<int>)NativeLibrary.GetExport(NativeLibrary.Load(LibtorchCpu), MklVendorDispatch.VendorCheckSymbol))());
    }

    [Fact]
    public void Opting_in_points_the_slot_at_a_function_returning_one_until_restored()
    {
        if (!MklVendorDispatch.IsNonIntelX64)
        {
            Assert.StartsWith("not needed", MklVendorDispatch.Apply(LibtorchCpu, MklDispatchMode.CpuFeatures), StringComparison.Ordinal);
            return;
        }

        var shipped = SlotValue();
        try
        {
            Assert.Equal(MklVendorDispatch.Redirected, MklVendorDispatch.Apply(LibtorchCpu, MklDispatchMode.CpuFeatures));
            var redirected = SlotValue();
            Assert.Equal(MklVendorDispatch.Stub, redirected);
            Assert.Equal(1, ((delegate* unmanaged<int>)redirected)());
        }
        finally
        {
            Assert.True(MklVendorDispatch.Restore());
        }

        Assert.Equal(shipped, SlotValue());
        Assert.False(MklVendorDispatch.Restore());
    }

    private static IntPtr SlotValue()
    {
        using var image = ElfImage.Map(LibtorchCpu);
        Assert.True(image.TryFindPltSlot(MklVendorDispatch.VendorCheckSymbol, out var slot));
        return *(IntPtr*)(HostLibraryResolver.BaseAddressOf(NativeLibrary.Load(LibtorchCpu)) + (nint)slot);
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
