using System.Buffers.Binary;
using System.Globalization;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// Zarr v3's <c>crc32c</c> codec: encoding appends the CRC-32C of the bytes as 4 little-endian bytes; decoding checks
/// it and strips it.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class Crc32cCodec : IBytesCodec
{
    /// <summary>The number of bytes the checksum adds.</summary>
    public const int ChecksumLength = 4;

    /// <inheritdoc/>
    public string Name => "crc32c";

    /// <inheritdoc/>
    public string Description => "crc32c";

    /// <inheritdoc/>
    public byte[] Decode(ReadOnlySpan<byte> encoded, int decodedLength)
    {
        if (encoded.Length < ChecksumLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"crc32c: {encoded.Length} bytes cannot hold the 4-byte checksum."));
        }

        var payload = encoded[..^ChecksumLength];
        if (decodedLength >= 0 && payload.Length != decodedLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"crc32c: the payload holds {payload.Length} bytes, {decodedLength} were expected."));
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(encoded[^ChecksumLength..]);
        var computed = Crc32C.Compute(payload);
        if (stored != computed)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"crc32c: checksum mismatch, stored 0x{stored:X8}, computed 0x{computed:X8} over {payload.Length} bytes."));
        }

        return payload.ToArray();
    }

    /// <inheritdoc/>
    public byte[] Encode(ReadOnlySpan<byte> decoded, int elementSize)
    {
        var encoded = GC.AllocateUninitializedArray<byte>(decoded.Length + ChecksumLength);
        decoded.CopyTo(encoded);
        BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(decoded.Length), Crc32C.Compute(decoded));
        return encoded;
    }
}
