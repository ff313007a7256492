using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>
/// Parses <c>zarr.json</c>. Every error names the file and the field; an unknown codec, data type, grid, key encoding or
/// extension field is refused by name unless it says <c>"must_understand": false</c>, in which case it is ignored.
/// </summary>
internal static class ZarrV3MetadataReader
{
    private static readonly HashSet<string> ArrayFields = new(StringComparer.Ordinal)
    {
        "zarr_format", "node_type", "shape", "data_type", "chunk_grid", "chunk_key_encoding", "fill_value", "codecs",
        "attributes", "dimension_names", "storage_transformers",
    };

    /// <summary>Parses the text of a <c>zarr.json</c> into its root object, checking <c>zarr_format</c> and <c>node_type</c>.</summary>
    public static JsonObject ParseDocument(byte[] bytes, string file, string expectedNodeType)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new VolumeFormatException(file, $"is not valid JSON ({e.Message})", e);
        }

        if (root is not JsonObject document)
        {
            throw new VolumeFormatException(file, "is not a JSON object");
        }

        if (!TryInt(document["zarr_format"], out var format) || format != 3)
        {
            throw new VolumeFormatException(file, $"field 'zarr_format' is {Describe(document["zarr_format"])}, not 3");
        }

        var nodeType = (document["node_type"] as JsonValue)?.GetValueKind() == JsonValueKind.String ? document["node_type"]!.GetValue<string>() : null;
        if (nodeType != expectedNodeType)
        {
            throw new VolumeFormatException(file, $"field 'node_type' is {Describe(document["node_type"])}, so the node is not an {expectedNodeType}");
        }

        return document;
    }

    /// <summary>Parses an array's metadata.</summary>
    public static ZarrV3ArrayMetadata ParseArray(JsonObject document, string file)
    {
        foreach (var (name, value) in document)
        {
            if (!ArrayFields.Contains(name) && !IsOptionalExtension(value))
            {
                throw new VolumeFeatureNotSupportedException(file, $"extension field '{name}'", "it does not say \"must_understand\": false");
            }
        }

        if (document["shape"] is not JsonArray shapeArray)
        {
            throw new VolumeFormatException(file, "field 'shape' is missing or not an array");
        }

        var shape = new long[shapeArray.Count];
        for (var axis = 0; axis < shape.Length; axis++)
        {
            if (!TryLong(shapeArray[axis], out shape[axis]) || shape[axis] < 0)
            {
                throw new VolumeFormatException(file, $"field 'shape' has {Describe(shapeArray[axis])} at axis {axis}, not an extent ≥ 0");
            }
        }

        var dataType = ParseDataType(document["data_type"], file);
        var gridChunk = ParseGrid(document["chunk_grid"], shape.Length, file);
        var (keyEncoding, separator) = ParseKeyEncoding(document["chunk_key_encoding"], file);

        if (!document.ContainsKey("fill_value"))
        {
            throw new VolumeFormatException(file, "field 'fill_value' is missing (Zarr v3 requires it)");
        }

        var fill = ZarrV3FillValue.Parse(document["fill_value"], dataType, out var fillError)
            ?? throw new VolumeFormatException(file, $"field 'fill_value': {fillError}");

        if (document["storage_transformers"] is JsonArray transformers && transformers.Count > 0)
        {
            var names = string.Join(", ", transformers.Select(t => NameOf(t) ?? t?.ToJsonString() ?? "null"));
            throw new VolumeFeatureNotSupportedException(file, $"storage_transformers ({names})");
        }

        if (document["codecs"] is not JsonArray codecs)
        {
            throw new VolumeFormatException(file, "field 'codecs' is missing or not an array");
        }

        var chain = ParseCodecs(codecs, gridChunk, dataType, file, "codecs");

        string[]? dimensionNames = null;
        if (document["dimension_names"] is JsonArray namesArray)
        {
            if (namesArray.Count != shape.Length)
            {
                throw new VolumeFormatException(file, $"field 'dimension_names' has {namesArray.Count} names for {shape.Length} axes");
            }

            dimensionNames = [.. namesArray.Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : string.Empty)];
        }
        else if (document["dimension_names"] is not null)
        {
            throw new VolumeFormatException(file, "field 'dimension_names' is not an array");
        }

        var attributes = document["attributes"] switch
        {
            null => [],
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw new VolumeFormatException(file, "field 'attributes' is not an object"),
        };

        return new ZarrV3ArrayMetadata
        {
            Shape = shape,
            GridChunkShape = gridChunk,
            DataType = dataType,
            FillValue = fill,
            KeyEncoding = keyEncoding,
            KeySeparator = separator,
            Codecs = chain,
            DimensionNames = dimensionNames,
            Attributes = attributes,
        };
    }

    private static VoxelType ParseDataType(JsonNode? node, string file)
    {
        var name = NameOf(node) ?? throw new VolumeFormatException(file, $"field 'data_type' is {Describe(node)}, not a data type name");
        return ZarrV3DataTypes.Parse(name)
            ?? throw new VolumeFeatureNotSupportedException(file, $"data_type '{name}'", "the types read are bool, int8…int64, uint8…uint64, float16, float32 and float64");
    }

    private static int[] ParseGrid(JsonNode? node, int rank, string file)
    {
        var name = NameOf(node) ?? throw new VolumeFormatException(file, "field 'chunk_grid' is missing or has no name");
        if (name != "regular")
        {
            throw new VolumeFeatureNotSupportedException(file, $"chunk_grid '{name}'", "only the regular grid is read");
        }

        if (node!["configuration"]?["chunk_shape"] is not JsonArray chunkArray)
        {
            throw new VolumeFormatException(file, "field 'chunk_grid.configuration.chunk_shape' is missing or not an array");
        }

        if (chunkArray.Count != rank)
        {
            throw new VolumeFormatException(file, $"field 'chunk_grid.configuration.chunk_shape' has {chunkArray.Count} extents but 'shape' has {rank}");
        }

        var chunk = new int[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            if (!TryInt(chunkArray[axis], out chunk[axis]) || chunk[axis] <= 0)
            {
                throw new VolumeFormatException(file, $"field 'chunk_grid.configuration.chunk_shape' has {Describe(chunkArray[axis])} at axis {axis}, not an extent > 0");
            }
        }

        return chunk;
    }

    private static (ZarrV3ChunkKeyEncoding Encoding, char Separator) ParseKeyEncoding(JsonNode? node, string file)
    {
        var name = NameOf(node) ?? throw new VolumeFormatException(file, "field 'chunk_key_encoding' is missing or has no name");
        var (encoding, separator) = name switch
        {
            "default" => (ZarrV3ChunkKeyEncoding.Default, '/'),
            "v2" => (ZarrV3ChunkKeyEncoding.V2, '.'),
            _ => throw new VolumeFeatureNotSupportedException(file, $"chunk_key_encoding '{name}'", "the encodings read are 'default' and 'v2'"),
        };
        var configured = node is JsonObject o ? o["configuration"]?["separator"] : null;
        if (configured is not null)
        {
            var text = configured is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            if (text is not ("/" or "."))
            {
                throw new VolumeFormatException(file, $"field 'chunk_key_encoding.configuration.separator' is {Describe(configured)}, not \"/\" or \".\"");
            }

            separator = text[0];
        }

        return (encoding, separator);
    }

    private static ZarrV3CodecChain ParseCodecs(JsonArray codecs, int[] chunkShape, VoxelType dataType, string file, string field)
    {
        var rank = chunkShape.Length;
        var transposes = new List<int[]>();
        var bytesCodecs = new List<IBytesCodec>();
        var summary = new List<string>();
        ByteOrder? endian = null;
        ShardingCodec? sharding = null;
        var haveArrayToBytes = false;
        for (var i = 0; i < codecs.Count; i++)
        {
            var node = codecs[i];
            var name = NameOf(node) ?? throw new VolumeFormatException(file, $"field '{field}[{i}]' has no codec name");
            var configuration = node is JsonObject o ? o["configuration"] as JsonObject ?? [] : [];
            var where = $"{field}[{i}] ({name})";
            switch (name)
            {
                case "transpose":
                    if (haveArrayToBytes)
                    {
                        throw new VolumeFormatException(file, $"field '{where}' is an array-to-array codec after the array-to-bytes codec");
                    }

                    var order = ParseOrder(configuration["order"], rank, file, where);
                    transposes.Add(order);
                    summary.Add($"transpose({string.Join(',', order)})");
                    break;
                case "bytes":
                    CheckSingleArrayToBytes(ref haveArrayToBytes, file, where);
                    endian = ParseEndian(configuration["endian"], dataType, file, where);
                    summary.Add(dataType.ByteSize() == 1 ? "bytes" : $"bytes({(endian == ByteOrder.Big ? "big" : "little")})");
                    break;
                case "sharding_indexed":
                    CheckSingleArrayToBytes(ref haveArrayToBytes, file, where);
                    if (transposes.Count > 0)
                    {
                        throw new VolumeFeatureNotSupportedException(file, $"{where} after transpose", "an array-to-array codec before sharding is not read");
                    }

                    sharding = ParseSharding(configuration, chunkShape, dataType, file, where);
                    summary.Add($"sharding_indexed(inner {string.Join('×', sharding.InnerChunkShape)}, index at {(sharding.IndexLocation == ShardIndexLocation.End ? "end" : "start")}{(sharding.IndexChecksum ? " with crc32c" : string.Empty)})[{sharding.InnerCodecs.Summary}]");
                    break;
                default:
                    if (!haveArrayToBytes && IsKnownBytesCodec(name))
                    {
                        throw new VolumeFormatException(file, $"field '{where}' is a bytes-to-bytes codec before the array-to-bytes codec");
                    }

                    var codec = CreateBytesCodec(name, configuration, node, file, where);
                    if (codec is null)
                    {
                        // An unknown codec that says it need not be understood.
                        continue;
                    }

                    if (sharding is not null)
                    {
                        throw new VolumeFeatureNotSupportedException(file, $"{where} after sharding_indexed", "whole-shard bytes-to-bytes codecs would prevent reading inner chunks by range");
                    }

                    bytesCodecs.Add(codec);
                    summary.Add(codec.Description);
                    break;
            }
        }

        if (!haveArrayToBytes)
        {
            if (dataType.ByteSize() > 1)
            {
                throw new VolumeFormatException(file, $"field '{field}' has no array-to-bytes codec ('bytes' or 'sharding_indexed')");
            }

            summary.Insert(transposes.Count, "bytes");
        }

        return new ZarrV3CodecChain(transposes, endian ?? ByteOrder.Little, sharding, bytesCodecs, string.Join(" → ", summary));
    }

    private static ShardingCodec ParseSharding(JsonObject configuration, int[] shardShape, VoxelType dataType, string file, string where)
    {
        if (configuration["chunk_shape"] is not JsonArray innerArray)
        {
            throw new VolumeFormatException(file, $"field '{where}.configuration.chunk_shape' is missing or not an array");
        }

        if (innerArray.Count != shardShape.Length)
        {
            throw new VolumeFormatException(file, $"field '{where}.configuration.chunk_shape' has {innerArray.Count} extents but the shard shape [{string.Join(", ", shardShape)}] has {shardShape.Length}");
        }

        var inner = new int[shardShape.Length];
        for (var axis = 0; axis < inner.Length; axis++)
        {
            if (!TryInt(innerArray[axis], out inner[axis]) || inner[axis] <= 0)
            {
                throw new VolumeFormatException(file, $"field '{where}.configuration.chunk_shape' has {Describe(innerArray[axis])} at axis {axis}, not an extent > 0");
            }
        }

        for (var axis = 0; axis < inner.Length; axis++)
        {
            if (shardShape[axis] % inner[axis] != 0)
            {
                throw new VolumeFormatException(file, $"the inner chunk shape [{string.Join(", ", inner)}] of '{where}' does not divide the shard shape (chunk_grid chunk_shape) [{string.Join(", ", shardShape)}] at axis {axis}");
            }
        }

        if (configuration["codecs"] is not JsonArray innerCodecs)
        {
            throw new VolumeFormatException(file, $"field '{where}.configuration.codecs' is missing or not an array");
        }

        var innerChain = ParseCodecs(innerCodecs, inner, dataType, file, $"{where}.configuration.codecs");
        if (innerChain.Sharding is not null)
        {
            throw new VolumeFeatureNotSupportedException(file, "nested sharding_indexed", "shards inside shards are not read");
        }

        var indexEndian = ByteOrder.Little;
        var indexChecksum = false;
        var indexCodecs = configuration["index_codecs"] as JsonArray
            ?? throw new VolumeFormatException(file, $"field '{where}.configuration.index_codecs' is missing or not an array");
        var sawBytes = false;
        for (var i = 0; i < indexCodecs.Count; i++)
        {
            var name = NameOf(indexCodecs[i]);
            var indexWhere = $"{where}.configuration.index_codecs[{i}]";
            switch (name)
            {
                case "bytes" when !sawBytes:
                    sawBytes = true;
                    indexEndian = ParseEndian((indexCodecs[i] as JsonObject)?["configuration"]?["endian"], VoxelType.UInt64, file, indexWhere);
                    break;
                case "crc32c" when sawBytes && !indexChecksum:
                    indexChecksum = true;
                    break;
                default:
                    throw new VolumeFeatureNotSupportedException(file, $"{indexWhere} ({name ?? "no name"})", "a shard index is read through 'bytes' and an optional 'crc32c'");
            }
        }

        if (!sawBytes)
        {
            throw new VolumeFormatException(file, $"field '{where}.configuration.index_codecs' has no 'bytes' codec");
        }

        var locationNode = configuration["index_location"];
        var location = locationNode is null ? "end" : NameOf(locationNode);
        var indexLocation = location switch
        {
            "end" => ShardIndexLocation.End,
            "start" => ShardIndexLocation.Start,
            _ => throw new VolumeFormatException(file, $"field '{where}.configuration.index_location' is {Describe(locationNode)}, not \"start\" or \"end\""),
        };
        return new ShardingCodec(inner, innerChain, indexEndian, indexChecksum, indexLocation);
    }

    private static IBytesCodec? CreateBytesCodec(string name, JsonObject configuration, JsonNode? node, string file, string where)
    {
        switch (name)
        {
            case "gzip":
                return new GzipCodec(IntField(configuration, "level", 5, 0, 9, file, where));
            case "zstd":
                return new ZstdCodec(IntField(configuration, "level", 0, -131072, 22, file, where));
            case "crc32c":
                return new Crc32cCodec();
            case "blosc":
                var cname = configuration["cname"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : null;
                if (!BloscCodec.TryParseCompressorName(cname, out var compressor))
                {
                    throw new VolumeFormatException(file, $"field '{where}.configuration.cname' is {Describe(configuration["cname"])}, not a Blosc compressor (blosclz, lz4, lz4hc, snappy, zlib, zstd)");
                }

                var shuffleNode = configuration["shuffle"];
                var shuffle = BloscShuffle.Byte;
                if (shuffleNode is not null && !BloscCodec.TryParseShuffleName(shuffleNode is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null, out shuffle))
                {
                    throw new VolumeFormatException(file, $"field '{where}.configuration.shuffle' is {Describe(shuffleNode)}, not noshuffle, shuffle or bitshuffle");
                }

                return new BloscCodec(compressor, IntField(configuration, "clevel", 5, 0, 9, file, where), shuffle, IntField(configuration, "blocksize", 0, 0, int.MaxValue, file, where));
            default:
                if (IsOptionalExtension(node))
                {
                    return null;
                }

                throw new VolumeFeatureNotSupportedException(file, $"codec '{name}' ({where})", "the codecs read are transpose, bytes, sharding_indexed, blosc, gzip, zstd and crc32c");
        }
    }

    private static bool IsKnownBytesCodec(string name) => name is "gzip" or "zstd" or "crc32c" or "blosc";

    private static void CheckSingleArrayToBytes(ref bool haveArrayToBytes, string file, string where)
    {
        if (haveArrayToBytes)
        {
            throw new VolumeFormatException(file, $"field '{where}' is a second array-to-bytes codec");
        }

        haveArrayToBytes = true;
    }

    private static ByteOrder ParseEndian(JsonNode? node, VoxelType dataType, string file, string where)
    {
        if (node is null)
        {
            if (dataType.ByteSize() > 1)
            {
                throw new VolumeFormatException(file, $"field '{where}.configuration.endian' is missing; {ZarrV3DataTypes.Name(dataType)} elements need one");
            }

            return ByteOrder.Little;
        }

        var text = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return text switch
        {
            "little" => ByteOrder.Little,
            "big" => ByteOrder.Big,
            _ => throw new VolumeFormatException(file, $"field '{where}.configuration.endian' is {Describe(node)}, not \"little\" or \"big\""),
        };
    }

    private static int[] ParseOrder(JsonNode? node, int rank, string file, string where)
    {
        var order = new int[rank];
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            // Early drafts spelled the identity "C" and the reversal "F".
            var text = v.GetValue<string>();
            for (var axis = 0; axis < rank; axis++)
            {
                order[axis] = text switch
                {
                    "C" => axis,
                    "F" => rank - 1 - axis,
                    _ => throw new VolumeFormatException(file, $"field '{where}.configuration.order' is \"{text}\", not a permutation"),
                };
            }

            return order;
        }

        if (node is not JsonArray array || array.Count != rank)
        {
            throw new VolumeFormatException(file, $"field '{where}.configuration.order' is {Describe(node)}, not a permutation of {rank} axes");
        }

        var seen = new bool[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            if (!TryInt(array[axis], out order[axis]) || order[axis] < 0 || order[axis] >= rank || seen[order[axis]])
            {
                throw new VolumeFormatException(file, $"field '{where}.configuration.order' is {Describe(node)}, not a permutation of {rank} axes");
            }

            seen[order[axis]] = true;
        }

        return order;
    }

    private static int IntField(JsonObject configuration, string name, int defaultValue, int minimum, int maximum, string file, string where)
    {
        var node = configuration[name];
        if (node is null)
        {
            return defaultValue;
        }

        if (!TryInt(node, out var value) || value < minimum || value > maximum)
        {
            throw new VolumeFormatException(file, $"field '{where}.configuration.{name}' is {Describe(node)}, not an integer from {minimum} to {maximum}");
        }

        return value;
    }

    /// <summary>Gets the name of a metadata object: the string itself, or its <c>name</c> field.</summary>
    private static string? NameOf(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o when o["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String => n.GetValue<string>(),
        _ => null,
    };

    private static bool IsOptionalExtension(JsonNode? node) =>
        node is JsonObject o && o["must_understand"] is JsonValue v && v.GetValueKind() == JsonValueKind.False;

    private static bool TryInt(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<JsonElement>().TryGetInt32(out value);
    }

    private static bool TryLong(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<JsonElement>().TryGetInt64(out value);
    }

    private static string Describe(JsonNode? node) => node is null ? "missing" : node.ToJsonString();
}
