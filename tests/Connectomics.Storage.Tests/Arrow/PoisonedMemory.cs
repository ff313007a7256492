using System.Buffers;
using System.Runtime.InteropServices;

namespace Connectomics.Storage.Tests.Arrow;

/// <summary>Native memory that is filled with 0xFF when its owner disposes it, and freed only by <see cref="Free"/>.</summary>
internal sealed unsafe class PoisonedMemory(int length) : MemoryManager<byte>
{
    private readonly byte* _pointer = (byte*)NativeMemory.AllocZeroed((nuint)length);

    public bool IsPoisoned { get; private set; }

    public override Span<byte> GetSpan() => new(_pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    public void Free() => NativeMemory.Free(_pointer);

    protected override void Dispose(bool disposing)
    {
        GetSpan().Fill(0xFF);
        IsPoisoned = true;
    }
}
