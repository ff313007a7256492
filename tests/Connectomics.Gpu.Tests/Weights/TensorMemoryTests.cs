using System.Runtime.InteropServices;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Tests.Weights;

public sealed class TensorMemoryTests
{
    public TensorMemoryTests()
    {
        TorchRuntime.EnsureApplied();
    }

    [Theory]
    [InlineData(16L)]
    [InlineData((long)int.MaxValue + 9)]
    public void Data_pointer_is_the_storage_start_below_and_above_two_gibibytes(long length)
    {
        // Pages of the large tensor are never touched, so it costs address space only.
        using var tensor = empty(length, ScalarType.Byte);
        using var storage = tensor.storage<byte>();

        Assert.Equal(storage.data_ptr(), TensorMemory.DataPointer(tensor));
    }

    [Fact]
    public void Copies_in_and_streams_out_the_same_bytes()
    {
        using var tensor = empty(new long[] { 2, 3 }, ScalarType.Float32);
        var bytes = RawSafetensors.Float32(1, 2, 3, 4, 5, 6);

        var pinned = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        try
        {
            TensorMemory.CopyInto(tensor, pinned.AddrOfPinnedObject(), bytes.Length);
        }
        finally
        {
            pinned.Free();
        }

        using var stream = new MemoryStream();
        TensorMemory.WriteTo(tensor, stream);

        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, tensor.data<float>().ToArray());
        Assert.Equal(bytes, stream.ToArray());
        using var transposed = tensor.t();
        Assert.Throws<InvalidOperationException>(() => TensorMemory.DataPointer(transposed));
    }
}
