using System.Buffers.Binary;
using Apache.Arrow;
using Connectomics.Storage.Lance.Encodings;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Protobuf;
using Connectomics.Storage.Lance.Schema;

namespace Connectomics.Storage.Lance.Files;

/// <summary>
/// Writes one Lance data file (container format v2.x) to a stream: each batch becomes one page per column, page
/// buffers are 64-byte aligned, then global buffer 0 (the <c>FileDescriptor</c>), the column metadata, the
/// offset tables and the 40-byte footer are written by <see cref="FinishAsync"/>.
/// </summary>
internal sealed class DataFileWriter
{
    public const int Alignment = 64;
    public const int FooterLength = 40;

    private static readonly byte[] Padding = new byte[Alignment];

    private readonly Stream _output;
    private readonly IReadOnlyList<LanceFieldInfo> _fields;
    private readonly IReadOnlyList<ColumnType> _types;
    private readonly LanceDataStorageVersion _version;
    private readonly List<ProtoWriter> _pages;
    private long _position;
    private bool _finished;

    public DataFileWriter(Stream output, IReadOnlyList<LanceFieldInfo> fields, IReadOnlyList<ColumnType> types, LanceDataStorageVersion version)
    {
        _output = output;
        _fields = fields;
        _types = types;
        _version = version;
        _pages = [.. fields.Select(_ => new ProtoWriter(1024))];
    }

    public long Rows { get; private set; }

    public long BytesWritten => _position;

    public (uint Major, uint Minor) ManifestVersion => _version == LanceDataStorageVersion.V2_0 ? (2u, 0u) : (2u, 1u);

    /// <summary>Appends a batch whose columns are in field order.</summary>
    public ValueTask WriteAsync(RecordBatch batch, CancellationToken cancellationToken) => WriteAsync([batch], cancellationToken);

    /// <summary>
    /// Appends consecutive batches (columns in field order) as one page per column. Vector columns without null
    /// rows are written from the batches' own buffers; other columns are concatenated first. The bytes are those
    /// of writing the concatenated batch.
    /// </summary>
    public async ValueTask WriteAsync(IReadOnlyList<RecordBatch> parts, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var length = parts.Sum(p => (long)p.Length);
        if (length == 0)
        {
            return;
        }

        for (var c = 0; c < _fields.Count; c++)
        {
            var (page, concatenated) = Encode(parts, c);
            var offsets = new List<ulong>(page.BufferPieces.Count);
            var sizes = new List<ulong>(page.BufferPieces.Count);
            foreach (var pieces in page.BufferPieces)
            {
                await AlignAsync(cancellationToken).ConfigureAwait(false);
                offsets.Add((ulong)_position);
                var size = 0L;
                foreach (var piece in pieces)
                {
                    await WriteRawAsync(piece, cancellationToken).ConfigureAwait(false);
                    size += piece.Length;
                }

                sizes.Add((ulong)size);
            }

            var rows = Rows;
            _pages[c].WriteMessage(2, p =>
            {
                p.WritePackedUInt64(1, offsets);
                p.WritePackedUInt64(2, sizes);
                p.WriteUInt64(3, (ulong)page.Rows);
                EncodingMessages.WriteDirectEncoding(p, 4, page.Encoding);
                p.WriteUInt64(5, (ulong)rows);
            });

            // The pieces may point into native Arrow memory, which the finalizer of the array that owns it frees: a
            // piece's Memory does not keep that array alive, so the arrays stay reachable until their bytes are written.
            GC.KeepAlive(concatenated);
        }

        GC.KeepAlive(parts);
        Rows += length;
    }

    /// <summary>Writes the metadata and footer; returns the file size.</summary>
    public async ValueTask<long> FinishAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        await AlignAsync(cancellationToken).ConfigureAwait(false);

        var descriptor = new ProtoWriter(512);
        descriptor.WriteMessage(1, s =>
        {
            foreach (var field in _fields)
            {
                s.WriteMessage(1, field.WriteTo);
            }
        });
        descriptor.WriteUInt64(2, (ulong)Rows);
        var gb0Position = _position;
        await WriteRawAsync(descriptor.ToArray(), cancellationToken).ConfigureAwait(false);

        var columnEncoding = EncodingMessages.ColumnEncoding();
        var columnMetaStart = _position;
        var cmo = new byte[_fields.Count * 16];
        for (var c = 0; c < _fields.Count; c++)
        {
            var meta = new ProtoWriter(_pages[c].Length + 64);
            EncodingMessages.WriteDirectEncoding(meta, 1, columnEncoding);
            meta.WriteRaw(_pages[c].WrittenSpan);
            BinaryPrimitives.WriteUInt64LittleEndian(cmo.AsSpan(c * 16), (ulong)_position);
            BinaryPrimitives.WriteUInt64LittleEndian(cmo.AsSpan((c * 16) + 8), (ulong)meta.Length);
            await WriteRawAsync(meta.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        var cmoPosition = _position;
        await WriteRawAsync(cmo, cancellationToken).ConfigureAwait(false);

        var gbo = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(gbo, (ulong)gb0Position);
        BinaryPrimitives.WriteUInt64LittleEndian(gbo.AsSpan(8), (ulong)descriptor.Length);
        var gboPosition = _position;
        await WriteRawAsync(gbo, cancellationToken).ConfigureAwait(false);

        var footer = new byte[FooterLength];
        BinaryPrimitives.WriteUInt64LittleEndian(footer, (ulong)columnMetaStart);
        BinaryPrimitives.WriteUInt64LittleEndian(footer.AsSpan(8), (ulong)cmoPosition);
        BinaryPrimitives.WriteUInt64LittleEndian(footer.AsSpan(16), (ulong)gboPosition);
        BinaryPrimitives.WriteUInt32LittleEndian(footer.AsSpan(24), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(footer.AsSpan(28), (uint)_fields.Count);
        var (major, minor) = _version == LanceDataStorageVersion.V2_0 ? ((ushort)0, (ushort)3) : ((ushort)2, (ushort)1);
        BinaryPrimitives.WriteUInt16LittleEndian(footer.AsSpan(32), major);
        BinaryPrimitives.WriteUInt16LittleEndian(footer.AsSpan(34), minor);
        "LANC"u8.CopyTo(footer.AsSpan(36));
        await WriteRawAsync(footer, cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return _position;
    }

    /// <summary>Encodes one column of the parts; returns the array concatenated for it, if any, which the page's
    /// pieces point into.</summary>
    private (EncodedPage Page, IArrowArray? Concatenated) Encode(IReadOnlyList<RecordBatch> parts, int column)
    {
        var type = _types[column];
        if (parts.Count == 1)
        {
            return (Encode(parts[0].Column(column), type), null);
        }

        var arrays = parts.Select(p => p.Column(column)).ToArray();
        var page = _version == LanceDataStorageVersion.V2_0 ? PageEncoderV20.TryEncodeParts(arrays, type) : PageEncoderV21.TryEncodeParts(arrays, type);
        if (page is not null)
        {
            return (page, null);
        }

        var concatenated = ArrowArrayConcatenator.Concatenate(arrays);
        return (Encode(concatenated, type), concatenated);
    }

    private EncodedPage Encode(IArrowArray array, ColumnType type) =>
        _version == LanceDataStorageVersion.V2_0 ? PageEncoderV20.Encode(array, type) : PageEncoderV21.Encode(array, type);

    private async ValueTask AlignAsync(CancellationToken cancellationToken)
    {
        var pad = (int)((Alignment - (_position % Alignment)) % Alignment);
        if (pad > 0)
        {
            await WriteRawAsync(Padding.AsMemory(0, pad), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        _position += bytes.Length;
    }
}
