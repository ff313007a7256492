using System.Buffers;
using Apache.Arrow;
using Apache.Arrow.Memory;

namespace Connectomics.Storage.Tests.Arrow;

/// <summary>
/// An Arrow allocator whose native memory is overwritten with 0xFF as soon as its owner (a batch) is disposed, so a
/// reader that kept a disposed batch's memory sees garbage instead of the old values. The memory itself is freed
/// only when the allocator is disposed.
/// </summary>
internal sealed class PoisoningAllocator : MemoryAllocator, IDisposable
{
    private readonly List<PoisonedMemory> _allocations = [];

    /// <summary>Gets the number of allocations whose owner has been disposed (and which are now poisoned).</summary>
    public int Poisoned => _allocations.Count(a => a.IsPoisoned);

    /// <summary>Copies every buffer of <paramref name="batch"/> into memory of this allocator.</summary>
    public RecordBatch Copy(RecordBatch batch)
    {
        var columns = Enumerable.Range(0, batch.ColumnCount).Select(i => ArrowArrayFactory.BuildArray(Copy(batch.Column(i).Data))).ToArray();
        return new RecordBatch(batch.Schema, columns, batch.Length);
    }

    public void Dispose()
    {
        foreach (var allocation in _allocations)
        {
            allocation.Free();
        }
    }

    protected override IMemoryOwner<byte> AllocateInternal(int length, out int bytesAllocated)
    {
        var memory = new PoisonedMemory(Math.Max(length, 1));
        _allocations.Add(memory);
        bytesAllocated = length;
        return memory;
    }

    private ArrayData Copy(ArrayData data) => new(
        data.DataType,
        data.Length,
        data.NullCount,
        data.Offset,
        data.Buffers.Select(b => b.IsEmpty ? ArrowBuffer.Empty : new ArrowBuffer.Builder<byte>(b.Length).Append(b.Span).Build(this)),
        data.Children?.Select(Copy),
        data.Dictionary is null ? null : Copy(data.Dictionary));
}
