using System.Buffers.Binary;
using System.Globalization;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Engine;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// Zarr v2's <c>lz4</c> compressor as numcodecs writes it: the decoded length as a 4-byte little-endian integer, then
/// one LZ4 block (not an LZ4 frame).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class Lz4Codec : IBytesCodec
{
    private const int SizePrefixLength = 4;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="acceleration">LZ4's acceleration: 1 is the default, larger is faster and compresses less.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="acceleration"/> is below 1.</exception>
    public Lz4Codec(int acceleration = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(acceleration, 1);
        Acceleration = acceleration;
    }

    /// <summary>Gets the acceleration used when encoding.</summary>
    public int Acceleration { get; }

    /// <inheritdoc/>
    public string Name => "lz4";

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"lz4(acceleration {Acceleration})");

    /// <inheritdoc/>
    public byte[] Decode(ReadOnlySpan<byte> encoded, int decodedLength)
    {
        if (encoded.Length < SizePrefixLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"lz4: {encoded.Length} bytes cannot hold the 4-byte size prefix."));
        }

        var declared = BinaryPrimitives.ReadInt32LittleEndian(encoded);
        if (declared < 0 || (decodedLength >= 0 && declared != decodedLength))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"lz4: the size prefix says {declared} bytes, {(decodedLength >= 0 ? decodedLength.ToString(CultureInfo.InvariantCulture) : "a non-negative size")} was expected."));
        }

        var result = GC.AllocateUninitializedArray<byte>(declared);
        var block = encoded[SizePrefixLength..];
        var written = declared == 0 && block.Length <= 1 ? 0 : LZ4Codec.Decode(block, result);
        if (written != declared)
        {
            throw new InvalidDataException(written < 0
                ? string.Create(CultureInfo.InvariantCulture, $"lz4: the {block.Length}-byte block is corrupt or decodes to more than the {declared} bytes its prefix declares.")
                : string.Create(CultureInfo.InvariantCulture, $"lz4: the block decodes to {written} bytes, its prefix declares {declared}."));
        }

        return result;
    }

    /// <inheritdoc/>
    public unsafe byte[] Encode(ReadOnlySpan<byte> decoded, int elementSize)
    {
        var buffer = new byte[SizePrefixLength + LZ4Codec.MaximumOutputSize(decoded.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, decoded.Length);
        var target = buffer.AsSpan(SizePrefixLength);
        int written;
        if (Acceleration == 1)
        {
            written = LZ4Codec.Encode(decoded, target, LZ4Level.L00_FAST);
        }
        else
        {
            using var context = new Pubternal.FastContext();
            fixed (byte* source = decoded)
            fixed (byte* destination = target)
            {
                written = Pubternal.CompressFast(context, source, destination, decoded.Length, target.Length, Acceleration);
            }
        }

        if (written < 0 || (written == 0 && decoded.Length > 0))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"lz4: compressing {decoded.Length} bytes failed."));
        }

        return buffer.AsSpan(0, SizePrefixLength + written).ToArray();
    }
}
