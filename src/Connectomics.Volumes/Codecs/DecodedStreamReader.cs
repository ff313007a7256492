using System.Globalization;

namespace Connectomics.Volumes.Codecs;

/// <summary>Reads a decompressing stream to its end, into an exact-size buffer when the decoded length is known.</summary>
internal static class DecodedStreamReader
{
    /// <summary>Reads <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">The decompressing stream.</param>
    /// <param name="expectedLength">The decoded length when known (then any other length is an error), else -1.</param>
    /// <param name="codecName">The codec, for error messages.</param>
    /// <returns>The decoded bytes.</returns>
    /// <exception cref="InvalidDataException">The stream is corrupt or decodes to another length than expected.</exception>
    public static byte[] ReadToEnd(Stream stream, int expectedLength, string codecName)
    {
        try
        {
            return expectedLength >= 0 ? ReadExact(stream, expectedLength, codecName) : ReadUnknown(stream);
        }
        catch (Exception exception) when (exception is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"{codecName}: the stream does not decompress ({exception.Message}).", exception);
        }
    }

    private static byte[] ReadExact(Stream stream, int expectedLength, string codecName)
    {
        var result = GC.AllocateUninitializedArray<byte>(expectedLength);
        var filled = 0;
        while (filled < expectedLength)
        {
            var read = stream.Read(result, filled, expectedLength - filled);
            if (read == 0)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{codecName}: the stream ends after {filled} decoded bytes, {expectedLength} were expected."));
            }

            filled += read;
        }

        Span<byte> probe = stackalloc byte[1];
        if (stream.Read(probe) != 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{codecName}: the stream decodes to more than the {expectedLength} bytes expected."));
        }

        return result;
    }

    private static byte[] ReadUnknown(Stream stream)
    {
        using var output = new MemoryStream();
        stream.CopyTo(output, 1 << 16);
        return output.ToArray();
    }
}
