using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Connectomics.Durability;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// The Hugging Face shard index (<c>model.safetensors.index.json</c>):
/// <c>{"metadata": {"total_size": N}, "weight_map": {"tensor name": "shard file name", ...}}</c>.
/// </summary>
internal sealed class SafetensorsIndex
{
    private static readonly JsonWriterOptions IndexJsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
        NewLine = "\n",
    };

    private SafetensorsIndex(long? totalSize, IReadOnlyList<KeyValuePair<string, string>> weightMap)
    {
        TotalSize = totalSize;
        WeightMap = weightMap;
    }

    /// <summary>The <c>metadata.total_size</c> value, when the index has a whole number there.</summary>
    internal long? TotalSize { get; }

    /// <summary>Tensor name → shard file name (relative to the index's directory), in the index's order.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> WeightMap { get; }

    internal static SafetensorsFormatException Error(string indexPath, string? tensorName, string detail, Exception? inner = null) =>
        new($"Invalid safetensors checkpoint index '{indexPath}': {detail}", indexPath, tensorName, inner);

    internal static SafetensorsIndex Read(string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException ex)
        {
            throw Error(indexPath, null, "it is not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(indexPath, null, "the root is not a JSON object.");
            }

            long? totalSize = null;
            if (root.TryGetProperty("metadata", out var metadata))
            {
                if (metadata.ValueKind != JsonValueKind.Object)
                {
                    throw Error(indexPath, null, "\"metadata\" is not a JSON object.");
                }

                if (metadata.TryGetProperty("total_size", out var total) && total.ValueKind == JsonValueKind.Number)
                {
                    // Some writers emit the size as a float literal (e.g. 1.2e10); keep it when it is a whole number.
                    if (total.TryGetInt64(out var whole))
                    {
                        totalSize = whole;
                    }
                    else if (total.TryGetDouble(out var real) && real >= 0 && real <= long.MaxValue && Math.Floor(real) == real)
                    {
                        totalSize = (long)real;
                    }
                }
            }

            if (!root.TryGetProperty("weight_map", out var weightMap))
            {
                throw Error(indexPath, null, "it has no \"weight_map\".");
            }

            if (weightMap.ValueKind != JsonValueKind.Object)
            {
                throw Error(indexPath, null, "\"weight_map\" is not a JSON object.");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<KeyValuePair<string, string>>();
            foreach (var entry in weightMap.EnumerateObject())
            {
                if (!seen.Add(entry.Name))
                {
                    throw Error(indexPath, entry.Name, $"tensor '{entry.Name}' appears more than once in \"weight_map\".");
                }

                if (entry.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(entry.Value.GetString()))
                {
                    throw Error(indexPath, entry.Name, $"tensor '{entry.Name}' is mapped to {entry.Value.GetRawText()}, not to a shard file name.");
                }

                var shard = entry.Value.GetString()!;
                ValidateShardName(indexPath, entry.Name, shard);
                entries.Add(new KeyValuePair<string, string>(entry.Name, shard));
            }

            return new SafetensorsIndex(totalSize, entries);
        }
    }

    /// <summary>Writes an index the way Hugging Face tooling does: 2-space indentation, keys sorted.</summary>
    internal static void Write(string indexPath, long totalSize, IEnumerable<KeyValuePair<string, string>> weightMap, IDurableFileSystem fileSystem)
    {
        AtomicFile.Write(indexPath, stream =>
        {
            using (var json = new Utf8JsonWriter(stream, IndexJsonOptions))
            {
                json.WriteStartObject();
                json.WriteStartObject("metadata");
                json.WriteNumber("total_size", totalSize);
                json.WriteEndObject();
                json.WriteStartObject("weight_map");
                foreach (var pair in weightMap.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(pair.Key, pair.Value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }, fileSystem);
    }

    private static void ValidateShardName(string indexPath, string tensor, string shard)
    {
        var segments = shard.Split('/', '\\');
        if (Path.IsPathRooted(shard) || segments.Any(s => s is "" or "." or ".."))
        {
            throw Error(indexPath, tensor, string.Create(
                CultureInfo.InvariantCulture,
                $"tensor '{tensor}' is mapped to '{shard}'; shard names must be relative paths inside the index's directory."));
        }
    }
}
