using System.Globalization;
using Connectomics.Durability;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// Writes a checkpoint split into shards of at most <see cref="MaxShardSize"/> data bytes, named and indexed the
/// Hugging Face way: <c>model-00001-of-00002.safetensors</c>, … plus <c>model.safetensors.index.json</c>. When
/// everything fits in one shard, it writes a single <c>model.safetensors</c> and no index.
/// </summary>
/// <remarks>
/// <para>
/// Tensors go to shards in the order they were added: a tensor joins the current shard unless that would push the
/// shard past the limit, in which case a new shard starts; a tensor larger than the limit gets a shard of its own.
/// Like <see cref="SafetensorsWriter"/>, each tensor's bytes are requested only when it is written.
/// </para>
/// <para>
/// Each shard is written atomically and the index last, so a reader never finds an index that names a shard not
/// yet complete. Instances are not thread-safe.
/// </para>
/// </remarks>
internal sealed class SafetensorsShardedWriter
{
    private readonly List<SafetensorsTensorSource> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance with a shard size limit.</summary>
    /// <param name="maxShardSize">The most tensor data bytes a shard may hold, unless one tensor alone is larger.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxShardSize"/> is zero or negative.</exception>
    public SafetensorsShardedWriter(long maxShardSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardSize);
        MaxShardSize = maxShardSize;
    }

    /// <summary>Gets the most tensor data bytes a shard may hold, unless one tensor alone is larger.</summary>
    public long MaxShardSize { get; }

    /// <summary>Gets the string map written as every shard's <c>__metadata__</c>. Empty it to write none.</summary>
    /// <value>The default value is <c>{"format": "pt"}</c>.</value>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt" };

    /// <summary>Gets the number of tensors declared so far.</summary>
    public int Count => _tensors.Count;

    /// <summary>Gets the total size of the declared tensors' data, in bytes: the index's <c>total_size</c>.</summary>
    public long DataLength { get; private set; }

    /// <summary>Declares a tensor whose bytes are already in memory.</summary>
    /// <param name="name">The tensor name; unique within the checkpoint.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The shape, outermost dimension first; empty for a scalar.</param>
    /// <param name="data">The little-endian, row-major bytes; exactly element count × element size of them.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The name is taken or reserved, or the data length does not match the dtype and shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public SafetensorsShardedWriter Add(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlyMemory<byte> data) =>
        Add(SafetensorsTensorSource.FromMemory(name, dtype, shape, data));

    /// <summary>Declares a tensor whose bytes are produced on demand, as <see cref="SafetensorsWriter.Add(string, SafetensorsDType, ReadOnlySpan{long}, Action{Stream})"/> does.</summary>
    /// <param name="name">The tensor name; unique within the checkpoint.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The shape, outermost dimension first; empty for a scalar.</param>
    /// <param name="writeData">Writes the little-endian, row-major bytes. Writing more or fewer bytes than declared fails the write.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The name is taken or reserved.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public SafetensorsShardedWriter Add(string name, SafetensorsDType dtype, ReadOnlySpan<long> shape, Action<Stream> writeData) =>
        Add(SafetensorsTensorSource.FromCallback(name, dtype, shape, writeData));

    /// <summary>Computes which tensors go to which shard, without writing anything.</summary>
    /// <returns>The tensor names of each shard, shard by shard.</returns>
    public IReadOnlyList<IReadOnlyList<string>> PlanShards() =>
        Split().Select(IReadOnlyList<string> (shard) => shard.Select(t => t.Name).ToArray()).ToArray();

    /// <summary>
    /// Writes the checkpoint into <paramref name="directory"/> (created if missing): shards then index, or a single
    /// file when one shard suffices.
    /// </summary>
    /// <param name="directory">The target directory.</param>
    /// <param name="baseName">The file name stem: <c>model</c> gives <c>model.safetensors</c> or <c>model-0000i-of-0000n.safetensors</c> and <c>model.safetensors.index.json</c>.</param>
    /// <returns>The path to open the checkpoint from: the index file, or the single file.</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> or <paramref name="baseName"/> is null or empty, or <paramref name="baseName"/> holds a path separator.</exception>
    /// <exception cref="InvalidOperationException">A data callback wrote the wrong number of bytes.</exception>
    public string WriteTo(string directory, string baseName = "model") => WriteTo(directory, baseName, OperatingSystemFileSystem.Instance);

    /// <summary>Writes the checkpoint, making the file-system calls through <paramref name="fileSystem"/>.</summary>
    /// <param name="directory">The target directory.</param>
    /// <param name="baseName">The file name stem.</param>
    /// <param name="fileSystem">Creates, flushes and renames the files.</param>
    /// <returns>The path to open the checkpoint from: the index file, or the single file.</returns>
    internal string WriteTo(string directory, string baseName, IDurableFileSystem fileSystem)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(baseName);
        if (baseName.IndexOfAny(['/', '\\']) >= 0)
        {
            throw new ArgumentException("The base name must be a plain file name stem.", nameof(baseName));
        }

        var fullDirectory = Path.GetFullPath(directory);
        DurableFile.CreateDirectory(fileSystem, fullDirectory);
        var shards = Split();

        if (shards.Count == 1)
        {
            var single = Path.Combine(fullDirectory, baseName + ".safetensors");
            NewShardWriter(shards[0]).WriteTo(single, fileSystem);
            return single;
        }

        var weightMap = new List<KeyValuePair<string, string>>(_tensors.Count);
        for (var i = 0; i < shards.Count; i++)
        {
            var shardName = string.Create(CultureInfo.InvariantCulture, $"{baseName}-{i + 1:D5}-of-{shards.Count:D5}.safetensors");
            NewShardWriter(shards[i]).WriteTo(Path.Combine(fullDirectory, shardName), fileSystem);
            weightMap.AddRange(shards[i].Select(t => new KeyValuePair<string, string>(t.Name, shardName)));
        }

        var indexPath = Path.Combine(fullDirectory, baseName + ".safetensors.index.json");
        SafetensorsIndex.Write(indexPath, DataLength, weightMap, fileSystem);
        return indexPath;
    }

    private SafetensorsShardedWriter Add(SafetensorsTensorSource source)
    {
        if (!_names.Add(source.Name))
        {
            throw new ArgumentException($"A tensor named '{source.Name}' was already added.", nameof(source));
        }

        _tensors.Add(source);
        DataLength = checked(DataLength + source.ByteLength);
        return this;
    }

    private SafetensorsWriter NewShardWriter(List<SafetensorsTensorSource> shard)
    {
        var writer = new SafetensorsWriter();
        writer.Metadata.Clear();
        foreach (var pair in Metadata)
        {
            writer.Metadata.Add(pair);
        }

        foreach (var source in shard)
        {
            writer.Add(source);
        }

        return writer;
    }

    private List<List<SafetensorsTensorSource>> Split()
    {
        var shards = new List<List<SafetensorsTensorSource>>();
        var current = new List<SafetensorsTensorSource>();
        long currentSize = 0;
        foreach (var source in _tensors)
        {
            if (source.ByteLength > MaxShardSize)
            {
                shards.Add([source]);
                continue;
            }

            if (currentSize + source.ByteLength > MaxShardSize && current.Count > 0)
            {
                shards.Add(current);
                current = [];
                currentSize = 0;
            }

            current.Add(source);
            currentSize += source.ByteLength;
        }

        if (current.Count > 0 || shards.Count == 0)
        {
            shards.Add(current);
        }

        return shards;
    }
}
