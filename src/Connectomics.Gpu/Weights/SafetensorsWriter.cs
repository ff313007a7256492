using System.Buffers.Binary;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Connectomics.Durability;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// Writes tensors to a safetensors file one at a time. Tensors are declared first (name, dtype, shape and a source
/// for their bytes); the header is computed from the declarations alone, and each tensor's bytes are requested only
/// when its turn comes, so the whole set never has to be in memory at once.
/// </summary>
/// <remarks>
/// <para>
/// The layout follows the reference writer: tensors ordered by dtype from the most to the least aligned
/// (U64, I64, F64, F32, U32, I32, BF16, F16, U16, I16, F8_E4M3, F8_E5M2, I8, U8, BOOL), then by name; a compact
/// JSON header with <c>__metadata__</c> first; the header padded with spaces to a multiple of 8 bytes so the data
/// buffer starts 8-byte aligned.
/// </para>
/// <para>
/// <see cref="WriteTo(string)"/> writes to a temporary file in the target directory and renames it over the target
/// only after everything was written and flushed. Each write invokes every data callback once. Instances are not
/// thread-safe.
/// </para>
/// </remarks>
internal sealed class SafetensorsWriter
{
    private static readonly JsonWriterOptions HeaderJsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly Dictionary<string, SafetensorsTensorSource> _tensors = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets the string map written as the header's <c>__metadata__</c>. Empty it to write no <c>__metadata__</c>.
    /// </summary>
    /// <value>The default value is <c>{"format": "pt"}</c>, what PyTorch tooling writes and expects.</value>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };

    /// <summary>Gets the number of tensors declared so far.</summary>
    public int Count => _tensors.Count;

    /// <summary>Gets the total size of the declared tensors' data, in bytes.</summary>
    public long DataLength { get; private set; }

    /// <summary>Declares a tensor whose bytes are already in memory.</summary>
    /// <param name="name">The tensor name; unique within the file.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The shape, outermost dimension first; empty for a scalar.</param>
    /// <param name="data">The little-endian, row-major bytes; exactly element count × element size of them. The memory must stay unchanged until the write is done.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The name is taken or reserved, or the data length does not match the dtype and shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public SafetensorsWriter Add(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data) =>
        Add(SafetensorsTensorSource.FromMemory(name, dtype, shape, data));

    /// <summary>
    /// Declares a tensor whose bytes are produced on demand: when the writer reaches it, <paramref name="writeData"/>
    /// is called with a stream that accepts exactly element count × element size bytes.
    /// </summary>
    /// <param name="name">The tensor name; unique within the file.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The shape, outermost dimension first; empty for a scalar.</param>
    /// <param name="writeData">Writes the little-endian, row-major bytes. Writing more or fewer bytes than declared fails the write.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The name is taken or reserved.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public SafetensorsWriter Add(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, Action<Stream> writeData) =>
        Add(SafetensorsTensorSource.FromCallback(name, dtype, shape, writeData));

    /// <summary>Computes the tensor table the file will have, in file order, without writing anything.</summary>
    /// <returns>One entry per declared tensor, with the data offsets it will be written at.</returns>
    public IReadOnlyList<SafetensorsTensorInfo> GetLayout() => Plan().Layout;

    /// <summary>Writes the file atomically: to a temporary file first, renamed over <paramref name="path"/> on success.</summary>
    /// <param name="path">The path of the file to create or replace. Missing directories are created.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">A data callback wrote the wrong number of bytes, or the header would exceed 100,000,000 bytes.</exception>
    public void WriteTo(string path) => WriteTo(path, OperatingSystemFileSystem.Instance);

    /// <summary>Writes the file's bytes to <paramref name="destination"/>, from its current position.</summary>
    /// <param name="destination">A writable stream.</param>
    /// <exception cref="InvalidOperationException">A data callback wrote the wrong number of bytes, or the header would exceed 100,000,000 bytes.</exception>
    public void WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Write(Plan(), destination);
    }

    /// <summary>Writes the file atomically and durably, making the file-system calls through <paramref name="fileSystem"/>.</summary>
    /// <param name="path">The path of the file to create or replace. Missing directories are created.</param>
    /// <param name="fileSystem">Creates, flushes and renames the files.</param>
    internal void WriteTo(string path, IDurableFileSystem fileSystem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var plan = Plan();
        AtomicFile.Write(path, stream => Write(plan, stream), fileSystem);
    }

    internal SafetensorsWriter Add(SafetensorsTensorSource source)
    {
        if (!_tensors.TryAdd(source.Name, source))
        {
            throw new ArgumentException($"A tensor named '{source.Name}' was already added.", nameof(source));
        }

        DataLength = checked(DataLength + source.ByteLength);
        return this;
    }

    /// <summary>Orders tensors the way the reference writer does: higher dtype rank first, then name by UTF-8 bytes.</summary>
    internal static int CompareForLayout(SafetensorsDType leftType, string leftName, SafetensorsDType rightType, string rightName)
    {
        var byType = rightType.GetWriterRank().CompareTo(leftType.GetWriterRank());
        return byType != 0 ? byType : CompareUtf8(leftName, rightName);
    }

    private static int CompareUtf8(string left, string right)
    {
        // Code point order equals UTF-8 byte order; UTF-16 ordinal order differs for characters above U+FFFF.
        var l = left.EnumerateRunes();
        var r = right.EnumerateRunes();
        while (true)
        {
            var hasLeft = l.MoveNext();
            var hasRight = r.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }

            var c = l.Current.Value.CompareTo(r.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }

    private static void Write(WritePlan plan, Stream destination)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)plan.Header.Length);
        destination.Write(prefix);
        destination.Write(plan.Header);
        foreach (var source in plan.Order)
        {
            source.WriteTo(destination);
        }
    }

    private WritePlan Plan()
    {
        var order = _tensors.Values.ToList();
        order.Sort(static (a, b) => CompareForLayout(a.DType, a.Name, b.DType, b.Name));

        var layout = new List<SafetensorsTensorInfo>(order.Count);
        long offset = 0;
        foreach (var source in order)
        {
            layout.Add(new SafetensorsTensorInfo(source.Name, source.DType, source.Shape, offset, offset + source.ByteLength, source.ElementCount));
            offset += source.ByteLength;
        }

        var header = BuildHeader(Metadata, layout);
        return new WritePlan(order, layout.AsReadOnly(), header);
    }

    private static byte[] BuildHeader(IDictionary<string, string> metadata, List<SafetensorsTensorInfo> layout)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, HeaderJsonOptions))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var pair in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(pair.Key, pair.Value ?? throw new InvalidOperationException($"Metadata entry '{pair.Key}' has a null value."));
                }

                json.WriteEndObject();
            }

            foreach (var info in layout)
            {
                json.WriteStartObject(info.Name);
                json.WriteString("dtype", info.DType.ToFormatString());
                json.WriteStartArray("shape");
                foreach (var dim in info.ShapeSpan)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(info.DataBegin);
                json.WriteNumberValue(info.DataEnd);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var padding = (int)((8 - (buffer.Length % 8)) % 8);
        for (var i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        if (buffer.Length > SafetensorsHeader.MaxHeaderLength)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The header would be {buffer.Length} bytes, more than the {SafetensorsHeader.MaxHeaderLength:N0} bytes readers accept."));
        }

        return buffer.ToArray();
    }

    private sealed record WritePlan(List<SafetensorsTensorSource> Order, IReadOnlyList<SafetensorsTensorInfo> Layout, byte[] Header);
}
