namespace Connectomics.Volumes.Stores;

/// <summary>
/// A range of bytes of a stored value: <see cref="Length"/> bytes from <see cref="Offset"/>, or, for a suffix range, the
/// last <see cref="Length"/> bytes (a shard index at the end of a shard is read this way, without knowing its size).
/// </summary>
public readonly record struct ByteRange
{
    private ByteRange(long offset, long length, bool isSuffix)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Offset = offset;
        Length = length;
        IsSuffix = isSuffix;
    }

    /// <summary>Gets the first byte of the range (0 for a suffix range).</summary>
    public long Offset { get; }

    /// <summary>Gets the number of bytes.</summary>
    public long Length { get; }

    /// <summary>Gets a value indicating whether the range is the last <see cref="Length"/> bytes of the value.</summary>
    public bool IsSuffix { get; }

    /// <summary>Creates the range of <paramref name="length"/> bytes from <paramref name="offset"/>.</summary>
    /// <param name="offset">The first byte.</param>
    /// <param name="length">The number of bytes.</param>
    /// <returns>The range.</returns>
    public static ByteRange FromOffset(long offset, long length) => new(offset, length, isSuffix: false);

    /// <summary>Creates the range of the last <paramref name="length"/> bytes.</summary>
    /// <param name="length">The number of bytes.</param>
    /// <returns>The range.</returns>
    public static ByteRange Suffix(long length) => new(0, length, isSuffix: true);

    /// <inheritdoc/>
    public override string ToString() => IsSuffix ? $"last {Length} bytes" : $"bytes {Offset}..{Offset + Length}";
}
