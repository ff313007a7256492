namespace Connectomics.Volumes.Codecs;

/// <summary>
/// Decoder of BloscLZ streams (C-Blosc's FastLZ derivative, format version 1). A stream is a sequence of tokens; the
/// first token's top three bits are ignored and it is always a literal run.
/// <list type="bullet">
/// <item>A control byte below 32 is a literal run of <c>control + 1</c> bytes that follow it.</item>
/// <item>Otherwise it starts a match: the top three bits give the length (7 means more length bytes follow, each
/// added, until one is not 255), the low five bits the high byte of the distance; then one byte, the low byte of the
/// distance. The match copies <c>length + 2</c> bytes from <c>distance + 1</c> bytes back. When the distance's bytes are
/// 31 and 255, a far match follows: two more bytes, big-endian, plus 8 192 give the distance.</item>
/// <item>A match is only copied when another token follows it (the encoder always ends with literals).</item>
/// </list>
/// </summary>
internal static class BloscLz
{
    private const int FarDistanceBase = 8191;

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>.</summary>
    /// <returns>The number of bytes written, or -1 when the stream is corrupt or does not fit.</returns>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.IsEmpty)
        {
            return 0;
        }

        var ip = 0;
        var op = 0;
        var control = input[ip++] & 31;
        while (true)
        {
            if (control >= 32)
            {
                var length = (control >> 5) - 1;
                var distance = (control & 31) << 8;
                if (length == 6)
                {
                    int extra;
                    do
                    {
                        if (ip + 1 >= input.Length)
                        {
                            return -1;
                        }

                        extra = input[ip++];
                        length += extra;
                    }
                    while (extra == 255);
                }
                else if (ip + 1 >= input.Length)
                {
                    return -1;
                }

                var low = input[ip++];
                length += 3;
                if (low == 255 && distance == 31 << 8)
                {
                    if (ip + 1 >= input.Length)
                    {
                        return -1;
                    }

                    distance = (input[ip] << 8) + input[ip + 1] + FarDistanceBase;
                    ip += 2;
                }
                else
                {
                    distance += low;
                }

                // distance + 1 bytes back
                var start = op - distance - 1;
                if (op + length > output.Length || start < 0)
                {
                    return -1;
                }

                if (ip >= input.Length)
                {
                    break;
                }

                control = input[ip++];
                CopyMatch(output, start, op, length);
                op += length;
            }
            else
            {
                var run = control + 1;
                if (op + run > output.Length || ip + run > input.Length)
                {
                    return -1;
                }

                input.Slice(ip, run).CopyTo(output[op..]);
                op += run;
                ip += run;
                if (ip >= input.Length)
                {
                    break;
                }

                control = input[ip++];
            }
        }

        return op;
    }

    /// <summary>Copies an LZ77 match that may overlap its own output (a repeating pattern).</summary>
    private static void CopyMatch(Span<byte> output, int start, int op, int length)
    {
        var distance = op - start;
        if (distance >= length)
        {
            output.Slice(start, length).CopyTo(output[op..]);
        }
        else if (distance == 1)
        {
            output.Slice(op, length).Fill(output[start]);
        }
        else
        {
            // The bytes from start on repeat with period `distance`; each copy doubles what can be copied next.
            while (length > 0)
            {
                var chunk = Math.Min(length, op - start);
                output.Slice(start, chunk).CopyTo(output[op..]);
                op += chunk;
                length -= chunk;
            }
        }
    }
}
