using Apache.Arrow;

namespace Connectomics.Lance.Import;

/// <summary>
/// Copies an Arrow array into managed memory. Batches read from Parquet live in native memory that is freed with
/// the batch, while the Lance writer may hold rows until it has a full page.
/// </summary>
internal static class ManagedArrowCopy
{
    public static IArrowArray Copy(IArrowArray array) => ArrowArrayFactory.BuildArray(Copy(array.Data));

    private static ArrayData Copy(ArrayData data) => new(
        data.DataType,
        data.Length,
        data.NullCount,
        data.Offset,
        data.Buffers.Select(b => b.IsEmpty ? ArrowBuffer.Empty : new ArrowBuffer(b.Span.ToArray())),
        data.Children?.Select(Copy),
        data.Dictionary is null ? null : Copy(data.Dictionary));
}
