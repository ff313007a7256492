namespace Connectomics.Volumes.Zarr.V3;

/// <summary>Tells whether every element of a chunk equals the fill value, bit for bit (so a chunk of it need not be stored).</summary>
internal static class FillValueScan
{
    public static bool IsAllFill(ReadOnlySpan<byte> data, ReadOnlySpan<byte> fillValue)
    {
        if (fillValue.IndexOfAnyExcept(fillValue[0]) < 0)
        {
            // Every byte of the fill value is the same (0, or 0xFF…): one vectorised scan.
            return data.IndexOfAnyExcept(fillValue[0]) < 0;
        }

        // A repeated pattern of 64 elements, compared block by block.
        var elementSize = fillValue.Length;
        Span<byte> pattern = stackalloc byte[64 * 8];
        pattern = pattern[..(64 * elementSize)];
        for (var offset = 0; offset < pattern.Length; offset += elementSize)
        {
            fillValue.CopyTo(pattern[offset..]);
        }

        while (data.Length >= pattern.Length)
        {
            if (!data[..pattern.Length].SequenceEqual(pattern))
            {
                return false;
            }

            data = data[pattern.Length..];
        }

        return data.SequenceEqual(pattern[..data.Length]);
    }
}
