namespace Connectomics.Volumes.Stores;

/// <summary>Resolves a <see cref="ByteRange"/> against a value's length, as every store must.</summary>
public static class ByteRangeExtensions
{
    /// <summary>Gets the start and length of the bytes a range selects from a value of <paramref name="valueLength"/>
    /// bytes: a range past the end is cut at the end; a suffix longer than the value is the whole value.</summary>
    /// <param name="range">The range.</param>
    /// <param name="valueLength">The value's length.</param>
    /// <returns>The first byte and the number of bytes.</returns>
    public static (long Start, long Length) Resolve(this ByteRange range, long valueLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(valueLength);
        if (range.IsSuffix)
        {
            var length = Math.Min(range.Length, valueLength);
            return (valueLength - length, length);
        }

        var start = Math.Min(range.Offset, valueLength);
        return (start, Math.Min(range.Length, valueLength - start));
    }
}
