using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.MemoryMappedFiles;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// An open, validated safetensors file. The whole file is memory-mapped read-only, so a tensor's bytes can be read
/// in place (<see cref="GetTensorData(string)"/>, <see cref="GetTensorDataPointer(SafetensorsTensorInfo)"/>)
/// without copying the file into managed memory.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Open(string)"/> checks the header strictly: an 8-byte little-endian length of at most 100,000,000
/// bytes that fits in the file; a UTF-8 JSON object starting with <c>{</c> and followed only by space padding;
/// known dtypes; <c>data_offsets</c> whose length equals element count × element size; no duplicate names; and
/// tensors that tile the data buffer exactly, with no gap, no overlap and nothing left over. Any breach throws
/// <see cref="SafetensorsFormatException"/> naming the file and, where there is one, the tensor.
/// </para>
/// <para>
/// Reading from several threads at once is safe. Spans and pointers handed out stay valid only until
/// <see cref="Dispose"/>, which must not run while another thread still reads.
/// </para>
/// </remarks>
internal sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly SafetensorsHeader _header;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private byte* _base;

    private SafetensorsFile(string path, long fileLength, long headerLength, SafetensorsHeader header, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer)
    {
        Path = path;
        FileLength = fileLength;
        HeaderLength = headerLength;
        _header = header;
        _map = map;
        _view = view;
        _base = basePointer;
    }

    /// <summary>Gets the full path of the file.</summary>
    public string Path { get; }

    /// <summary>Gets the length of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Gets N, the length in bytes of the JSON header (including any padding).</summary>
    public long HeaderLength { get; }

    /// <summary>Gets the file offset at which the data buffer starts: 8 + <see cref="HeaderLength"/>.</summary>
    public long DataOffset => 8 + HeaderLength;

    /// <summary>Gets the length of the data buffer in bytes.</summary>
    public long DataLength => FileLength - DataOffset;

    /// <summary>Gets the tensors, ordered by their position in the data buffer.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors => _header.Tensors;

    /// <summary>Gets the number of tensors.</summary>
    public int Count => _header.Tensors.Count;

    /// <summary>
    /// Gets the header's <c>__metadata__</c> string map, or <see langword="null"/> when the header has none.
    /// Files written by PyTorch tooling usually hold <c>{"format": "pt"}</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata => _header.Metadata;

    /// <summary>Opens and validates a safetensors file and maps it into memory.</summary>
    /// <param name="path">The path of the file.</param>
    /// <returns>The open file; dispose it to unmap the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="SafetensorsFormatException">The file is not a valid safetensors file.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);

        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            var fileLength = stream.Length;
            if (fileLength < 8)
            {
                throw SafetensorsHeader.Error(fullPath, null, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the file is {fileLength} bytes long, too short for the 8-byte header length that starts every safetensors file."));
            }

            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            var declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (declared > SafetensorsHeader.MaxHeaderLength)
            {
                throw SafetensorsHeader.Error(fullPath, null, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the header length {declared} exceeds the limit of {SafetensorsHeader.MaxHeaderLength:N0} bytes."));
            }

            var headerLength = (long)declared;
            if (8 + headerLength > fileLength)
            {
                throw SafetensorsHeader.Error(fullPath, null, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the header length {headerLength} runs past the end of the file ({fileLength} bytes)."));
            }

            map = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            pointer += view.PointerOffset;

            var header = SafetensorsHeader.Parse(new ReadOnlySpan<byte>(pointer + 8, (int)headerLength), fileLength - 8 - headerLength, fullPath);
            return new SafetensorsFile(fullPath, fileLength, headerLength, header, map, view, pointer);
        }
        catch
        {
            if (acquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            if (map is not null)
            {
                map.Dispose();
            }
            else
            {
                stream.Dispose();
            }

            throw;
        }
    }

    /// <summary>Determines whether the file holds a tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns><see langword="true"/> when the tensor exists.</returns>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _header.ByName.ContainsKey(name);
    }

    /// <summary>Looks up a tensor by name.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="tensor">The tensor's entry, when found.</param>
    /// <returns><see langword="true"/> when the tensor exists.</returns>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafetensorsTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _header.ByName.TryGetValue(name, out tensor);
    }

    /// <summary>Gets a tensor's entry by name.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The tensor's entry.</returns>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public SafetensorsTensorInfo GetTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _header.ByName.TryGetValue(name, out var tensor)
            ? tensor
            : throw new KeyNotFoundException($"The safetensors file '{Path}' has no tensor named '{name}'.");
    }

    /// <summary>Gets a tensor's bytes, in place in the mapped file.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The little-endian, row-major bytes; valid until the file is disposed.</returns>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    /// <exception cref="NotSupportedException">The tensor is 2 GiB or larger; use <see cref="GetTensorDataPointer(SafetensorsTensorInfo)"/>.</exception>
    /// <exception cref="ObjectDisposedException">The file has been disposed.</exception>
    public ReadOnlySpan<byte> GetTensorData(string name) => GetTensorData(GetTensor(name));

    /// <summary>Gets a tensor's bytes, in place in the mapped file.</summary>
    /// <param name="tensor">An entry of this file's <see cref="Tensors"/>.</param>
    /// <returns>The little-endian, row-major bytes; valid until the file is disposed.</returns>
    /// <exception cref="ArgumentException"><paramref name="tensor"/> does not belong to this file.</exception>
    /// <exception cref="NotSupportedException">The tensor is 2 GiB or larger; use <see cref="GetTensorDataPointer(SafetensorsTensorInfo)"/>.</exception>
    /// <exception cref="ObjectDisposedException">The file has been disposed.</exception>
    public ReadOnlySpan<byte> GetTensorData(SafetensorsTensorInfo tensor)
    {
        var pointer = GetTensorDataPointer(tensor);
        if (tensor.ByteLength > int.MaxValue)
        {
            throw new NotSupportedException(string.Create(
                CultureInfo.InvariantCulture,
                $"Tensor '{tensor.Name}' in '{Path}' is {tensor.ByteLength} bytes, too large for a span; read it through {nameof(GetTensorDataPointer)} or {nameof(OpenTensorStream)}."));
        }

        return new ReadOnlySpan<byte>((void*)pointer, (int)tensor.ByteLength);
    }

    /// <summary>
    /// Gets the address of a tensor's first byte in the mapped file. The memory is read-only and stays valid until
    /// the file is disposed. It is aligned to the element size only when the writer aligned it (writers that follow
    /// the reference pad the header to a multiple of 8 bytes).
    /// </summary>
    /// <param name="tensor">An entry of this file's <see cref="Tensors"/>.</param>
    /// <returns>The address; <see cref="SafetensorsTensorInfo.ByteLength"/> bytes may be read from it.</returns>
    /// <exception cref="ArgumentException"><paramref name="tensor"/> does not belong to this file.</exception>
    /// <exception cref="ObjectDisposedException">The file has been disposed.</exception>
    public nint GetTensorDataPointer(SafetensorsTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_base is null, this);
        if (!_header.ByName.TryGetValue(tensor.Name, out var own) || !ReferenceEquals(own, tensor))
        {
            throw new ArgumentException($"Tensor entry '{tensor.Name}' does not belong to the safetensors file '{Path}'.", nameof(tensor));
        }

        return (nint)(_base + DataOffset + tensor.DataBegin);
    }

    /// <summary>
    /// Opens a read-only stream over a tensor's bytes in the mapped file, for tensors of any size. The stream must
    /// not be used after the file is disposed.
    /// </summary>
    /// <param name="tensor">An entry of this file's <see cref="Tensors"/>.</param>
    /// <returns>A stream positioned at the tensor's first byte, of length <see cref="SafetensorsTensorInfo.ByteLength"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="tensor"/> does not belong to this file.</exception>
    /// <exception cref="ObjectDisposedException">The file has been disposed.</exception>
    public Stream OpenTensorStream(SafetensorsTensorInfo tensor)
    {
        var pointer = GetTensorDataPointer(tensor);
        return new UnmanagedMemoryStream((byte*)pointer, tensor.ByteLength, tensor.ByteLength, FileAccess.Read);
    }

    /// <summary>Unmaps the file and closes it. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_base is null)
        {
            return;
        }

        _base = null;
        _view!.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _view = null;
        _map!.Dispose();
        _map = null;
    }

    /// <summary>Returns the path and the number of tensors.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Path} ({Count} tensors)");
}
