using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Compression;
using Apache.Arrow.Ipc;
using Connectomics.Storage.Lance.Metadata;

namespace Connectomics.Storage.Lance.Table;

/// <summary>
/// Reads a fragment's deleted row offsets: an Arrow IPC file (LanceDB compresses its buffers with ZSTD) with one
/// UInt32 column (<c>.arrow</c>) or a
/// 32-bit roaring bitmap in the portable serialization (<c>.bin</c>).
/// </summary>
internal static class DeletionVector
{
    private const int SerialCookieNoRunContainer = 12346;
    private const int SerialCookie = 12347;
    private const int NoOffsetThreshold = 4;

    public static async Task<HashSet<uint>> ReadAsync(string tablePath, FragmentInfo fragment, CancellationToken cancellationToken)
    {
        var file = fragment.DeletionFile!;
        var path = Path.Combine(tablePath, file.RelativePath(fragment.Id));
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return file.FileType == 0 ? await ReadArrowAsync(bytes, cancellationToken).ConfigureAwait(false) : ReadRoaring(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new LanceFormatException($"Unreadable deletion file: {e.Message}", path);
        }
    }

    private static async Task<HashSet<uint>> ReadArrowAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var rows = new HashSet<uint>();
        using var reader = new ArrowFileReader(new MemoryStream(bytes), new CompressionCodecFactory());
        while (await reader.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            using (batch)
            {
                switch (batch.Column(0))
                {
                    case UInt32Array u32:
                        for (var i = 0; i < u32.Length; i++)
                        {
                            rows.Add(u32.GetValue(i) ?? throw new InvalidDataException("Null row offset."));
                        }

                        break;
                    case Int32Array i32:
                        for (var i = 0; i < i32.Length; i++)
                        {
                            rows.Add((uint)(i32.GetValue(i) ?? throw new InvalidDataException("Null row offset.")));
                        }

                        break;
                    default:
                        throw new InvalidDataException($"Deletion file column of type {batch.Column(0).Data.DataType.Name}.");
                }
            }
        }

        return rows;
    }

    /// <summary>Decodes the roaring bitmap portable format (the format roaring-rs and CRoaring serialize).</summary>
    internal static HashSet<uint> ReadRoaring(ReadOnlySpan<byte> data)
    {
        var rows = new HashSet<uint>();
        var cookie = BinaryPrimitives.ReadUInt32LittleEndian(data);
        var position = 4;
        int size;
        ReadOnlySpan<byte> runFlags = default;
        bool hasRuns;
        if ((cookie & 0xFFFF) == SerialCookie)
        {
            hasRuns = true;
            size = (int)(cookie >> 16) + 1;
            runFlags = data.Slice(position, (size + 7) / 8);
            position += runFlags.Length;
        }
        else if (cookie == SerialCookieNoRunContainer)
        {
            hasRuns = false;
            size = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[position..]);
            position += 4;
        }
        else
        {
            throw new InvalidDataException($"Unknown roaring cookie {cookie}.");
        }

        var keys = new ushort[size];
        var cardinalities = new int[size];
        for (var i = 0; i < size; i++)
        {
            keys[i] = BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
            cardinalities[i] = BinaryPrimitives.ReadUInt16LittleEndian(data[(position + 2)..]) + 1;
            position += 4;
        }

        if (!hasRuns || size >= NoOffsetThreshold)
        {
            position += 4 * size;
        }

        for (var i = 0; i < size; i++)
        {
            var high = (uint)keys[i] << 16;
            if (hasRuns && (runFlags[i / 8] & (1 << (i % 8))) != 0)
            {
                var runs = BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
                position += 2;
                for (var r = 0; r < runs; r++)
                {
                    var start = BinaryPrimitives.ReadUInt16LittleEndian(data[position..]);
                    var length = BinaryPrimitives.ReadUInt16LittleEndian(data[(position + 2)..]);
                    position += 4;
                    for (var v = 0; v <= length; v++)
                    {
                        rows.Add(high | (uint)(start + v));
                    }
                }
            }
            else if (cardinalities[i] > 4096)
            {
                for (var word = 0; word < 1024; word++)
                {
                    var bits = BinaryPrimitives.ReadUInt64LittleEndian(data[(position + (word * 8))..]);
                    while (bits != 0)
                    {
                        var bit = System.Numerics.BitOperations.TrailingZeroCount(bits);
                        rows.Add(high | (uint)((word * 64) + bit));
                        bits &= bits - 1;
                    }
                }

                position += 8192;
            }
            else
            {
                for (var v = 0; v < cardinalities[i]; v++)
                {
                    rows.Add(high | BinaryPrimitives.ReadUInt16LittleEndian(data[(position + (v * 2))..]));
                }

                position += 2 * cardinalities[i];
            }
        }

        return rows;
    }
}
