using System.Globalization;
using System.Text.Json;
using Connectomics.Durability;
using Connectomics.Gpu.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// The label vocabularies of the seven ranks, built from training lineages, and the label tree that links them. At
/// each rank the names seen in training get the ids 0…n−1 in ordinal order, so the same training names always give
/// the same ids. A missing rank, and a name never seen in training (at validation or prediction time), encode as
/// <see cref="IgnoreIndex"/>, which the loss skips. (<see cref="TaxonomyMetrics"/> compares names, so there an unseen
/// true name still counts, as an error, while a missing one is skipped.)
/// </summary>
/// <remarks>
/// The tree records, for each label at a rank below kingdom, every label of the rank just above that it was seen
/// under in training. Messy data can put one name under several parents; all are kept. A lineage whose rank above is
/// missing adds no link. Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class TaxonomyLabels
{
    /// <summary>The label of a missing or unknown rank, which the loss ignores (the value PyTorch's cross-entropy skips).</summary>
    public const long IgnoreIndex = -100;

    private const string FormatName = "connectomics.taxonomy-labels";
    private const int FormatVersion = 1;

    private readonly string[][] _labels;
    private readonly Dictionary<string, int>[] _ids;
    private readonly int[][][] _parents;
    private readonly int[][][] _children;

    private TaxonomyLabels(string[][] labels, int[][][] parents)
    {
        _labels = labels;
        _parents = parents;
        _ids = new Dictionary<string, int>[TaxonomyPath.RankCount];
        _children = new int[TaxonomyPath.RankCount][][];
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            _ids[r] = new Dictionary<string, int>(labels[r].Length, StringComparer.Ordinal);
            for (var i = 0; i < labels[r].Length; i++)
            {
                _ids[r].Add(labels[r][i], i);
            }
        }

        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            var children = new List<int>[labels[r].Length];
            for (var i = 0; i < children.Length; i++)
            {
                children[i] = [];
            }

            if (r + 1 < TaxonomyPath.RankCount)
            {
                for (var child = 0; child < parents[r + 1].Length; child++)
                {
                    foreach (var parent in parents[r + 1][child])
                    {
                        children[parent].Add(child);
                    }
                }
            }

            _children[r] = children.Select(c => c.ToArray()).ToArray();
        }
    }

    /// <summary>
    /// Builds the vocabularies and the tree from training lineages.
    /// </summary>
    /// <param name="paths">The training lineages; missing ranks are skipped.</param>
    /// <returns>The labels.</returns>
    public static TaxonomyLabels Build(IEnumerable<TaxonomyPath> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var names = new SortedSet<string>[TaxonomyPath.RankCount];
        var links = new HashSet<(string Child, string Parent)>[TaxonomyPath.RankCount];
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            names[r] = new SortedSet<string>(StringComparer.Ordinal);
            links[r] = [];
        }

        foreach (var path in paths)
        {
            ArgumentNullException.ThrowIfNull(path, nameof(paths));
            var list = path.Names;
            for (var r = 0; r < TaxonomyPath.RankCount; r++)
            {
                var name = list[r];
                if (name is null)
                {
                    continue;
                }

                names[r].Add(name);
                if (r > 0 && list[r - 1] is { } parent)
                {
                    links[r].Add((name, parent));
                }
            }
        }

        var labels = names.Select(set => set.ToArray()).ToArray();
        var parents = new int[TaxonomyPath.RankCount][][];
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            var perLabel = new SortedSet<int>[labels[r].Length];
            for (var i = 0; i < perLabel.Length; i++)
            {
                perLabel[i] = [];
            }

            if (r > 0)
            {
                var childIds = Index(labels[r]);
                var parentIds = Index(labels[r - 1]);
                foreach (var (child, parent) in links[r])
                {
                    perLabel[childIds[child]].Add(parentIds[parent]);
                }
            }

            parents[r] = perLabel.Select(s => s.ToArray()).ToArray();
        }

        return new TaxonomyLabels(labels, parents);
    }

    /// <summary>Gets the number of labels at a rank.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns>The count (0 when training named no taxon at that rank).</returns>
    public int CountAt(TaxonomyRank rank) => _labels[TaxonomyPath.RankIndex(rank)].Length;

    /// <summary>Gets the label names of a rank, by id.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns>The names, in ordinal order; the index is the id.</returns>
    public IReadOnlyList<string> LabelsAt(TaxonomyRank rank) => _labels[TaxonomyPath.RankIndex(rank)];

    /// <summary>Gets the name of a label.</summary>
    /// <param name="rank">The rank.</param>
    /// <param name="id">The id, 0…<see cref="CountAt"/>−1.</param>
    /// <returns>The name.</returns>
    public string NameOf(TaxonomyRank rank, int id)
    {
        var labels = _labels[TaxonomyPath.RankIndex(rank)];
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, labels.Length);
        return labels[id];
    }

    /// <summary>Looks up the id of a name.</summary>
    /// <param name="rank">The rank.</param>
    /// <param name="name">The name (compared ordinally, as stored: trimmed, without a rank prefix).</param>
    /// <param name="id">The id, or −1 when the name was not seen in training.</param>
    /// <returns>Whether the name is known.</returns>
    public bool TryGetId(TaxonomyRank rank, string? name, out int id)
    {
        id = -1;
        return name is not null && _ids[TaxonomyPath.RankIndex(rank)].TryGetValue(name, out id);
    }

    /// <summary>Gets the labels of the rank above that a label was seen under in training.</summary>
    /// <param name="rank">The label's rank; kingdom labels have no parents.</param>
    /// <param name="id">The label's id.</param>
    /// <returns>The parent ids at the rank above, ascending.</returns>
    public IReadOnlyList<int> ParentsOf(TaxonomyRank rank, int id)
    {
        var parents = _parents[TaxonomyPath.RankIndex(rank)];
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, parents.Length);
        return parents[id];
    }

    /// <summary>Gets the labels of the rank below that were seen under a label in training.</summary>
    /// <param name="rank">The label's rank; species labels have no children.</param>
    /// <param name="id">The label's id.</param>
    /// <returns>The child ids at the rank below, ascending.</returns>
    public IReadOnlyList<int> ChildrenOf(TaxonomyRank rank, int id)
    {
        var children = _children[TaxonomyPath.RankIndex(rank)];
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, children.Length);
        return children[id];
    }

    /// <summary>Encodes a lineage as seven label ids, <see cref="IgnoreIndex"/> where a rank is missing or its name
    /// was not seen in training.</summary>
    /// <param name="path">The lineage.</param>
    /// <returns>Seven ids, kingdom first.</returns>
    public long[] Encode(TaxonomyPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ids = new long[TaxonomyPath.RankCount];
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            ids[r] = TryGetId((TaxonomyRank)r, path.Names[r], out var id) ? id : IgnoreIndex;
        }

        return ids;
    }

    /// <summary>Encodes lineages as a label tensor [B, 7] (int64, on the CPU), as <see cref="TaxonomyLoss"/> takes it.</summary>
    /// <param name="paths">The lineages, one per row.</param>
    /// <returns>The labels; the caller owns the tensor.</returns>
    public Tensor EncodeBatch(IReadOnlyList<TaxonomyPath> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        TorchRuntime.EnsureApplied();
        var flat = new long[paths.Count * TaxonomyPath.RankCount];
        for (var b = 0; b < paths.Count; b++)
        {
            Encode(paths[b]).CopyTo(flat, b * TaxonomyPath.RankCount);
        }

        return torch.tensor(flat, [paths.Count, TaxonomyPath.RankCount], ScalarType.Int64);
    }

    /// <summary>Writes the labels and the tree as JSON, atomically (a temporary file renamed over the target).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="IOException">The file cannot be written; an existing file is left as it was.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToJson();
        var fileSystem = OperatingSystemFileSystem.Instance;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            DurableFile.CreateDirectory(fileSystem, directory);
        }

        var temp = DurableFile.TempPathFor(path);
        DurableFile.WriteTemp(fileSystem, temp, stream => stream.Write(bytes));
        DurableFile.Publish(fileSystem, temp, path);
    }

    /// <summary>Reads labels written by <see cref="Save"/>, checking every field.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TaxonomyLabelsFormatException">The file is not a valid label file; the message names it.</exception>
    public static TaxonomyLabels Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The taxonomy label file '{path}' does not exist.", path);
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return FromJson(document.RootElement, path);
        }
        catch (JsonException exception)
        {
            throw new TaxonomyLabelsFormatException(path, $"it is not valid JSON ({exception.Message}).", exception);
        }
    }

    internal byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("version", FormatVersion);
            writer.WriteStartArray("ranks");
            for (var r = 0; r < TaxonomyPath.RankCount; r++)
            {
                writer.WriteStartObject();
                writer.WriteString("rank", RankName((TaxonomyRank)r));
                writer.WriteStartArray("labels");
                foreach (var label in _labels[r])
                {
                    writer.WriteStringValue(label);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("parents");
                foreach (var parents in _parents[r])
                {
                    writer.WriteStartArray();
                    foreach (var parent in parents)
                    {
                        writer.WriteNumberValue(parent);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    internal static string RankName(TaxonomyRank rank) => rank.ToString().ToLowerInvariant();

    private static TaxonomyLabels FromJson(JsonElement root, string path)
    {
        TaxonomyLabelsFormatException Bad(string problem) => new(path, problem, null);

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad("the top level is not a JSON object.");
        }

        if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
        {
            throw Bad($"\"format\" is not \"{FormatName}\".");
        }

        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != FormatVersion)
        {
            throw Bad(string.Create(CultureInfo.InvariantCulture, $"\"version\" is not {FormatVersion}."));
        }

        if (!root.TryGetProperty("ranks", out var ranks) || ranks.ValueKind != JsonValueKind.Array || ranks.GetArrayLength() != TaxonomyPath.RankCount)
        {
            throw Bad(string.Create(CultureInfo.InvariantCulture, $"\"ranks\" is not an array of {TaxonomyPath.RankCount} entries."));
        }

        var labels = new string[TaxonomyPath.RankCount][];
        var parents = new int[TaxonomyPath.RankCount][][];
        var r = 0;
        foreach (var entry in ranks.EnumerateArray())
        {
            var rankName = RankName((TaxonomyRank)r);
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw Bad($"ranks[{r}] is not an object.");
            }

            if (!entry.TryGetProperty("rank", out var rankElement) || rankElement.ValueKind != JsonValueKind.String || rankElement.GetString() != rankName)
            {
                throw Bad(string.Create(CultureInfo.InvariantCulture, $"ranks[{r}].rank is not \"{rankName}\"."));
            }

            if (!entry.TryGetProperty("labels", out var labelArray) || labelArray.ValueKind != JsonValueKind.Array)
            {
                throw Bad($"the {rankName} labels are not an array.");
            }

            var names = new List<string>(labelArray.GetArrayLength());
            foreach (var label in labelArray.EnumerateArray())
            {
                var name = label.ValueKind == JsonValueKind.String ? label.GetString() : null;
                if (string.IsNullOrWhiteSpace(name) || name.Trim().Length != name.Length || name.Contains(';', StringComparison.Ordinal))
                {
                    throw Bad(string.Create(CultureInfo.InvariantCulture, $"{rankName} label {names.Count} is not a trimmed, non-empty name without ';'."));
                }

                if (names.Count > 0 && string.CompareOrdinal(names[^1], name) >= 0)
                {
                    throw Bad($"the {rankName} labels are not unique and in ordinal order ('{names[^1]}' before '{name}').");
                }

                names.Add(name);
            }

            labels[r] = [.. names];
            if (!entry.TryGetProperty("parents", out var parentArray) || parentArray.ValueKind != JsonValueKind.Array || parentArray.GetArrayLength() != names.Count)
            {
                throw Bad(string.Create(CultureInfo.InvariantCulture, $"the {rankName} parents are not an array of {names.Count} entries, one per label."));
            }

            var upper = r == 0 ? 0 : labels[r - 1].Length;
            var perLabel = new int[names.Count][];
            var i = 0;
            foreach (var list in parentArray.EnumerateArray())
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    throw Bad(string.Create(CultureInfo.InvariantCulture, $"the parents of {rankName} label '{names[i]}' are not an array."));
                }

                var ids = new List<int>();
                foreach (var id in list.EnumerateArray())
                {
                    if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out var parent) || parent < 0 || parent >= upper || (ids.Count > 0 && ids[^1] >= parent))
                    {
                        throw Bad(string.Create(CultureInfo.InvariantCulture, $"the parents of {rankName} label '{names[i]}' are not ascending ids of the {upper} labels of the rank above."));
                    }

                    ids.Add(parent);
                }

                perLabel[i++] = [.. ids];
            }

            parents[r] = perLabel;
            r++;
        }

        return new TaxonomyLabels(labels, parents);
    }

    private static Dictionary<string, int> Index(string[] names)
    {
        var index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            index.Add(names[i], i);
        }

        return index;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", Enumerable.Range(0, TaxonomyPath.RankCount).Select(r => string.Create(CultureInfo.InvariantCulture, $"{RankName((TaxonomyRank)r)} {_labels[r].Length}")));
}
