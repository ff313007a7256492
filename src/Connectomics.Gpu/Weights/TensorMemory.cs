using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Connectomics.Gpu.Weights;

/// <summary>Raw access to the bytes of contiguous CPU tensors.</summary>
internal static unsafe class TensorMemory
{
    private const int StreamChunk = 16 << 20;

    /// <summary>The number of bytes a tensor's elements occupy.</summary>
    internal static long ByteLength(torch.Tensor tensor) => tensor.numel() * tensor.element_size();

    /// <summary>The address of the first element of a contiguous CPU tensor with at least one element.</summary>
    internal static nint DataPointer(torch.Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new InvalidOperationException("Raw access needs a contiguous CPU tensor.");
        }

        if (ByteLength(tensor) <= int.MaxValue)
        {
            return (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
        }

        // Spans stop at 2 GiB; the first element's one-element view has the same address.
        using var flat = tensor.reshape(-1);
        using var first = flat.narrow(0, 0, 1);
        return (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="source"/> into a contiguous CPU tensor of exactly that size.</summary>
    internal static void CopyInto(torch.Tensor destination, nint source, long length)
    {
        if (length == 0)
        {
            return;
        }

        Buffer.MemoryCopy((void*)source, (void*)DataPointer(destination), length, length);
    }

    /// <summary>Writes the bytes of a contiguous CPU tensor to a stream.</summary>
    internal static void WriteTo(torch.Tensor tensor, Stream destination)
    {
        var length = ByteLength(tensor);
        if (length == 0)
        {
            return;
        }

        var pointer = (byte*)DataPointer(tensor);
        for (long offset = 0; offset < length; offset += StreamChunk)
        {
            var count = (int)Math.Min(StreamChunk, length - offset);
            destination.Write(new ReadOnlySpan<byte>(pointer + offset, count));
        }
    }
}
