using System.Buffers.Binary;

namespace Connectomics.Storage.Lance.Metadata;

/// <summary>
/// The byte container of a <c>_versions/*.manifest</c> file: optional index-section block, optional inline
/// transaction block, the manifest block (each a u32 length plus protobuf) and a 16-byte footer
/// <c>i64 manifest position | i16 0 | i16 2 | "LANC"</c>.
/// </summary>
internal static class ManifestFile
{
    public const int FooterLength = 16;

    /// <summary>Gets a length-prefixed block (index section or inline transaction) at an offset, or null when there is none.</summary>
    public static byte[]? ReadBlock(ReadOnlySpan<byte> file, ulong? offset) =>
        offset is { } at ? ReadBlock(file, at).ToArray() : null;

    /// <summary>Encodes a manifest file. Sets <see cref="ManifestInfo.IndexSection"/> and <see cref="ManifestInfo.TransactionSection"/>.</summary>
    public static byte[] Encode(ManifestInfo manifest, byte[]? indexSection, byte[]? transaction)
    {
        using var stream = new MemoryStream();
        Span<byte> u32 = stackalloc byte[4];
        manifest.IndexSection = null;
        manifest.TransactionSection = null;
        if (indexSection is not null)
        {
            manifest.IndexSection = (ulong)stream.Position;
            BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)indexSection.Length);
            stream.Write(u32);
            stream.Write(indexSection);
        }

        if (transaction is not null)
        {
            manifest.TransactionSection = (ulong)stream.Position;
            BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)transaction.Length);
            stream.Write(u32);
            stream.Write(transaction);
        }

        var position = stream.Position;
        var body = manifest.Encode();
        BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)body.Length);
        stream.Write(u32);
        stream.Write(body);
        Span<byte> footer = stackalloc byte[FooterLength];
        BinaryPrimitives.WriteInt64LittleEndian(footer, position);
        BinaryPrimitives.WriteInt16LittleEndian(footer[8..], 0);
        BinaryPrimitives.WriteInt16LittleEndian(footer[10..], 2);
        "LANC"u8.CopyTo(footer[12..]);
        stream.Write(footer);
        return stream.ToArray();
    }

    public static ManifestInfo Decode(ReadOnlySpan<byte> file, string path)
    {
        if (file.Length < FooterLength + 4 || !file[^4..].SequenceEqual("LANC"u8))
        {
            throw new LanceFormatException("Not a Lance manifest (missing LANC footer).", path);
        }

        var position = BinaryPrimitives.ReadInt64LittleEndian(file[^FooterLength..]);
        if (position < 0 || position > file.Length - FooterLength - 4)
        {
            throw new LanceFormatException($"Manifest position {position} lies outside the file.", path);
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(file[(int)position..]);
        if ((long)position + 4 + length != file.Length - FooterLength)
        {
            throw new LanceFormatException("Manifest block does not end at the footer.", path);
        }

        try
        {
            return ManifestInfo.Decode(file.Slice((int)position + 4, (int)length));
        }
        catch (LanceFormatException e) when (e.FilePath is null)
        {
            throw new LanceFormatException(e.Message, path);
        }
    }

    private static ReadOnlySpan<byte> ReadBlock(ReadOnlySpan<byte> file, ulong offset)
    {
        if (offset > (ulong)(file.Length - 4))
        {
            throw new LanceFormatException($"Manifest block offset {offset} lies outside the file.");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(file[(int)offset..]);
        if ((ulong)length > (ulong)file.Length - offset - 4)
        {
            throw new LanceFormatException($"Manifest block at {offset} runs past the end of the file.");
        }

        return file.Slice((int)offset + 4, (int)length);
    }
}
