using System.Runtime.InteropServices;
using Apache.Arrow;

namespace Connectomics.Storage.Arrow;

/// <summary>
/// Copies the parts of Arrow data that live in memory the batch owns and frees (native memory: the C data interface,
/// ParquetSharp's reader, Arrow's default allocator) into managed arrays. Buffers already backed by managed arrays
/// are shared: Arrow buffers are immutable and the garbage collector keeps them alive as long as they are used.
/// </summary>
internal static class ManagedArrowCopy
{
    /// <summary>Returns a batch that reads the same values as <paramref name="batch"/> and stays valid after it is disposed.</summary>
    public static RecordBatch Copy(RecordBatch batch)
    {
        var columns = new IArrowArray[batch.ColumnCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = ArrowArrayFactory.BuildArray(Copy(batch.Column(i).Data));
        }

        return new RecordBatch(batch.Schema, columns, batch.Length);
    }

    /// <summary>Determines whether every buffer of <paramref name="data"/> (children and dictionary included) is a managed array.</summary>
    public static bool IsManaged(ArrayData data) =>
        data.Buffers.All(IsManaged)
        && (data.Children is null || data.Children.All(IsManaged))
        && (data.Dictionary is null || IsManaged(data.Dictionary));

    private static bool IsManaged(ArrowBuffer buffer) => buffer.IsEmpty || MemoryMarshal.TryGetArray(buffer.Memory, out _);

    private static ArrayData Copy(ArrayData data) => IsManaged(data) ? data : new(
        data.DataType,
        data.Length,
        data.NullCount,
        data.Offset,
        data.Buffers.Select(b => IsManaged(b) ? b : new ArrowBuffer(b.Span.ToArray())),
        data.Children?.Select(Copy),
        data.Dictionary is null ? null : Copy(data.Dictionary));
}
