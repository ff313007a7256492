using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// A whole safetensors checkpoint, single-file or sharded, opened as one table of tensors: list them (name, element
/// type, shape) and read any one's bytes. To load a checkpoint into a module, use <see cref="StateDictLoader"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Open(string)"/> accepts a directory (holding <c>model.safetensors</c> or
/// <c>model.safetensors.index.json</c>), a <c>.safetensors</c> file, or an index file. For an index, each distinct
/// shard is opened (and validated) once, and every tensor the <c>weight_map</c> names must exist in its shard.
/// Tensors a shard holds but the index does not map are not part of the checkpoint.
/// </para>
/// <para>
/// The files are memory-mapped: <see cref="GetTensorData(string)"/> returns the bytes in place, without a copy, and
/// they stay valid until the checkpoint is disposed. Reading from several threads at once is safe;
/// <see cref="Dispose"/> closes every file.
/// </para>
/// </remarks>
public sealed class SafetensorsCheckpoint : IDisposable
{
    /// <summary>The file name of a single-file checkpoint in a directory.</summary>
    internal const string SingleFileName = "model.safetensors";

    /// <summary>The file name of a sharded checkpoint's index in a directory.</summary>
    internal const string IndexFileName = "model.safetensors.index.json";

    private const int MaxListedTensors = 10;

    private readonly IReadOnlyList<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsCheckpointEntry> _tensors;

    private SafetensorsCheckpoint(string path, string? indexPath, long? totalSize, IReadOnlyList<SafetensorsFile> files, Dictionary<string, SafetensorsCheckpointEntry> tensors)
    {
        Path = path;
        IndexPath = indexPath;
        TotalSize = totalSize;
        _files = files;
        _tensors = tensors;
        Entries = tensors.AsReadOnly();
        Tensors = [.. tensors.Values.Select(e => e.Info)];
    }

    /// <summary>Gets the full path of what was opened: the single safetensors file, or the index file.</summary>
    public string Path { get; }

    /// <summary>Gets the full path of the index file, or <see langword="null"/> for a single-file checkpoint.</summary>
    internal string? IndexPath { get; }

    /// <summary>Gets the index's <c>metadata.total_size</c>, when it has one; <see langword="null"/> otherwise.</summary>
    internal long? TotalSize { get; }

    /// <summary>Gets the open files: one for a single-file checkpoint, one per distinct shard otherwise.</summary>
    internal IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>Gets where every tensor of the checkpoint lives (file and entry), by name, in ordinal name order.</summary>
    internal IReadOnlyDictionary<string, SafetensorsCheckpointEntry> Entries { get; }

    /// <summary>Gets every tensor of the checkpoint (name, element type, shape), in ordinal name order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>Gets the number of tensors.</summary>
    public int Count => _tensors.Count;

    /// <summary>Opens a checkpoint.</summary>
    /// <param name="path">A directory holding <c>model.safetensors</c> or <c>model.safetensors.index.json</c>, a safetensors file, or an index file (<c>*.json</c>).</param>
    /// <returns>The open checkpoint; dispose it to close its files.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>, or the directory holds no checkpoint.</exception>
    /// <exception cref="SafetensorsFormatException">A file is malformed, a directory holds both kinds of checkpoint, or the index maps a tensor to a shard that is missing or lacks it.</exception>
    public static SafetensorsCheckpoint Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);

        if (Directory.Exists(fullPath))
        {
            var single = System.IO.Path.Combine(fullPath, SingleFileName);
            var index = System.IO.Path.Combine(fullPath, IndexFileName);
            var hasSingle = File.Exists(single);
            var hasIndex = File.Exists(index);
            if (hasSingle && hasIndex)
            {
                throw new SafetensorsFormatException(
                    $"The directory '{fullPath}' holds both {SingleFileName} and {IndexFileName}, so it is unclear which checkpoint to load; remove the stale one or open a file directly.",
                    fullPath,
                    null);
            }

            if (hasIndex)
            {
                return OpenIndex(index);
            }

            if (hasSingle)
            {
                return OpenSingle(single);
            }

            throw new FileNotFoundException($"The directory '{fullPath}' holds no safetensors checkpoint: neither {SingleFileName} nor {IndexFileName}.", single);
        }

        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"No safetensors checkpoint exists at '{fullPath}'.", fullPath);
        }

        return fullPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? OpenIndex(fullPath) : OpenSingle(fullPath);
    }

    /// <summary>Determines whether the checkpoint holds a tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _tensors.ContainsKey(name);
    }

    /// <summary>Looks up a tensor by name.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="tensor">The tensor's name, element type and shape, when found.</param>
    /// <returns><see langword="true"/> when the tensor exists.</returns>
    public bool TryGetTensor(string name, [MaybeNullWhen(false)] out SafetensorsTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = _tensors.TryGetValue(name, out var entry);
        tensor = entry?.Info;
        return found;
    }

    /// <summary>Gets a tensor's name, element type and shape.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="KeyNotFoundException">The checkpoint has no such tensor.</exception>
    public SafetensorsTensorInfo GetTensor(string name) => GetEntry(name).Info;

    /// <summary>Gets a tensor's bytes, in place in the mapped file.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The little-endian, row-major bytes (<see cref="SafetensorsTensorInfo.ByteLength"/> of them); valid until the checkpoint is disposed.</returns>
    /// <exception cref="KeyNotFoundException">The checkpoint has no such tensor.</exception>
    /// <exception cref="NotSupportedException">The tensor is 2 GiB or larger; use <see cref="OpenTensorStream(string)"/>.</exception>
    /// <exception cref="ObjectDisposedException">The checkpoint has been disposed.</exception>
    public ReadOnlySpan<byte> GetTensorData(string name)
    {
        var entry = GetEntry(name);
        return entry.File.GetTensorData(entry.Info);
    }

    /// <summary>Opens a read-only stream over a tensor's bytes, for tensors of any size.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>A stream of the little-endian, row-major bytes; it must not be used after the checkpoint is disposed.</returns>
    /// <exception cref="KeyNotFoundException">The checkpoint has no such tensor.</exception>
    /// <exception cref="ObjectDisposedException">The checkpoint has been disposed.</exception>
    public Stream OpenTensorStream(string name)
    {
        var entry = GetEntry(name);
        return entry.File.OpenTensorStream(entry.Info);
    }

    /// <summary>Gets where a tensor lives: its file and its entry there.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The file and entry of the tensor.</returns>
    /// <exception cref="KeyNotFoundException">The checkpoint has no such tensor.</exception>
    internal SafetensorsCheckpointEntry GetEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _tensors.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException($"The checkpoint '{Path}' has no tensor named '{name}'.");
    }

    /// <summary>Closes every file of the checkpoint. Safe to call more than once.</summary>
    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    /// <summary>Returns the path, the number of files and the number of tensors.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Path} ({_files.Count} files, {Count} tensors)");

    private static SafetensorsCheckpoint OpenSingle(string path)
    {
        var file = SafetensorsFile.Open(path);
        var tensors = new Dictionary<string, SafetensorsCheckpointEntry>(file.Count, StringComparer.Ordinal);
        foreach (var info in file.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            tensors.Add(info.Name, new SafetensorsCheckpointEntry(file, info));
        }

        return new SafetensorsCheckpoint(file.Path, null, null, [file], tensors);
    }

    private static SafetensorsCheckpoint OpenIndex(string indexPath)
    {
        var index = SafetensorsIndex.Read(indexPath);
        var directory = System.IO.Path.GetDirectoryName(indexPath)!;
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var files = new List<SafetensorsFile>();
        try
        {
            foreach (var (tensor, shard) in index.WeightMap)
            {
                if (shards.ContainsKey(shard))
                {
                    continue;
                }

                var shardPath = System.IO.Path.Combine(directory, shard);
                if (!File.Exists(shardPath))
                {
                    throw SafetensorsIndex.Error(indexPath, tensor, $"tensor '{tensor}' is mapped to shard '{shard}', but '{shardPath}' does not exist.");
                }

                var file = SafetensorsFile.Open(shardPath);
                files.Add(file);
                shards.Add(shard, file);
            }

            var tensors = new Dictionary<string, SafetensorsCheckpointEntry>(index.WeightMap.Count, StringComparer.Ordinal);
            var missing = new List<KeyValuePair<string, string>>();
            foreach (var (tensor, shard) in index.WeightMap.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var file = shards[shard];
                if (file.TryGetTensor(tensor, out var info))
                {
                    tensors.Add(tensor, new SafetensorsCheckpointEntry(file, info));
                }
                else
                {
                    missing.Add(new KeyValuePair<string, string>(tensor, shard));
                }
            }

            if (missing.Count > 0)
            {
                var listed = string.Join("; ", missing.Take(MaxListedTensors).Select(m => $"tensor '{m.Key}' is mapped to shard '{m.Value}', which has no such tensor"));
                var more = missing.Count > MaxListedTensors
                    ? string.Create(CultureInfo.InvariantCulture, $"; and {missing.Count - MaxListedTensors} more")
                    : string.Empty;
                throw SafetensorsIndex.Error(indexPath, missing[0].Key, listed + more + ".");
            }

            return new SafetensorsCheckpoint(indexPath, indexPath, index.TotalSize, files.AsReadOnly(), tensors);
        }
        catch
        {
            foreach (var file in files)
            {
                file.Dispose();
            }

            throw;
        }
    }
}
