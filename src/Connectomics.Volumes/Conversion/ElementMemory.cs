using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Connectomics.Volumes.Conversion;

/// <summary>A byte buffer seen as a <see cref="Memory{T}"/> of elements, so a typed read fills the bytes a writer
/// then stores, without a copy.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class ElementMemory<T> : MemoryManager<T>
    where T : unmanaged
{
    private readonly byte[] _bytes;
    private readonly int _length;
    private GCHandle _pin;

    /// <summary>Wraps the first <paramref name="byteCount"/> bytes of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The buffer.</param>
    /// <param name="byteCount">The bytes used, a multiple of the element size.</param>
    public ElementMemory(byte[] bytes, int byteCount)
    {
        _bytes = bytes;
        _length = byteCount / Unsafe.SizeOf<T>();
    }

    /// <inheritdoc/>
    public override Span<T> GetSpan() => MemoryMarshal.Cast<byte, T>(_bytes.AsSpan(0, _length * Unsafe.SizeOf<T>()));

    /// <inheritdoc/>
    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        if (!_pin.IsAllocated)
        {
            _pin = GCHandle.Alloc(_bytes, GCHandleType.Pinned);
        }

        var address = (byte*)_pin.AddrOfPinnedObject() + (elementIndex * Unsafe.SizeOf<T>());
        return new MemoryHandle(address, default, this);
    }

    /// <inheritdoc/>
    public override void Unpin()
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (_pin.IsAllocated)
        {
            _pin.Free();
        }
    }
}
