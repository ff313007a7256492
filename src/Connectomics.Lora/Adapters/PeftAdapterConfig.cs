using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;

namespace Connectomics.Lora.Adapters;

/// <summary>
/// PEFT's <c>adapter_config.json</c> for a LoRA adapter: written with exactly the keys PEFT 0.10 writes (older PEFT
/// refuses unknown keys), read leniently (keys that newer PEFT adds are ignored) but refusing settings this library
/// does not implement.
/// </summary>
internal sealed class PeftAdapterConfig
{
    /// <summary>The file name inside an adapter directory.</summary>
    public const string FileName = "adapter_config.json";

    /// <summary>The keys written, in the (sorted) order they are written.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "alpha_pattern", "auto_mapping", "base_model_name_or_path", "bias", "fan_in_fan_out", "inference_mode",
        "init_lora_weights", "layer_replication", "layers_pattern", "layers_to_transform", "loftq_config", "lora_alpha",
        "lora_dropout", "megatron_config", "megatron_core", "modules_to_save", "peft_type", "r", "rank_pattern",
        "revision", "target_modules", "task_type", "use_dora", "use_rslora",
    ];

    private PeftAdapterConfig(LoraOptions options, IReadOnlyList<string> modulesToSave)
    {
        Options = options;
        ModulesToSave = modulesToSave;
    }

    /// <summary>Gets the adapter's settings.</summary>
    public LoraOptions Options { get; }

    /// <summary>Gets the modules PEFT saved whole beside the adapter (e.g. a classifier head); their tensors are not
    /// part of the encoder.</summary>
    public IReadOnlyList<string> ModulesToSave { get; }

    /// <summary>Writes the configuration atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="options">Validated options.</param>
    /// <param name="baseModelNameOrPath">The value of <c>base_model_name_or_path</c>.</param>
    public static void Write(string path, LoraOptions options, string baseModelNameOrPath)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            foreach (var key in Keys)
            {
                json.WritePropertyName(key);
                WriteValue(json, key, options, baseModelNameOrPath);
            }

            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        AtomicFileWriter.Write(path, stream => buffer.WriteTo(stream));
    }

    /// <summary>Reads and checks a configuration.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="LoraAdapterFormatException">The file is missing, malformed, or asks for something that is not
    /// supported (another PEFT type, DoRA, fan-in-fan-out weights, trained biases, layer replication).</exception>
    public static PeftAdapterConfig Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new LoraAdapterFormatException($"The adapter directory has no {FileName}: '{path}' does not exist.", path, null);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new LoraAdapterFormatException($"'{path}' is not valid JSON: {e.Message}", path, null, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new LoraAdapterFormatException($"'{path}' must hold a JSON object, not {root.ValueKind}.", path, null);
            }

            return Parse(path, root);
        }
    }

    private static PeftAdapterConfig Parse(string path, JsonElement root)
    {
        var peftType = OptionalString(path, root, "peft_type")
            ?? throw new LoraAdapterFormatException($"'{path}' has no 'peft_type'; a LoRA adapter says \"LORA\".", path, "peft_type");
        if (peftType != "LORA")
        {
            throw new LoraAdapterFormatException($"'{path}' holds a PEFT adapter of type '{peftType}'; only LORA adapters are supported.", path, "peft_type");
        }

        Refuse(path, root, "use_dora", v => v.ValueKind == JsonValueKind.True, "DoRA adapters (use_dora: true) are not supported");
        Refuse(path, root, "fan_in_fan_out", v => v.ValueKind == JsonValueKind.True, "fan_in_fan_out: true (transposed Conv1D weights) does not apply to the encoder's linear layers");
        Refuse(path, root, "lora_bias", v => v.ValueKind == JsonValueKind.True, "adapters with a bias on lora_B (lora_bias: true) are not supported");
        Refuse(path, root, "layer_replication", v => v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined), "layer_replication (duplicated layers) is not supported");
        var bias = OptionalString(path, root, "bias") ?? "none";
        if (bias != "none")
        {
            throw new LoraAdapterFormatException($"'{path}' sets bias \"{bias}\" (base biases trained and saved with the adapter); only \"none\" is supported.", path, "bias");
        }

        var options = new LoraOptions
        {
            Rank = RequiredInt(path, root, "r"),
            Alpha = RequiredNumber(path, root, "lora_alpha"),
            Dropout = OptionalNumber(path, root, "lora_dropout") ?? 0,
            UseRsLora = OptionalBool(path, root, "use_rslora") ?? false,
            BaseModelNameOrPath = OptionalString(path, root, "base_model_name_or_path"),
            TaskType = OptionalString(path, root, "task_type") ?? LoraDefaults.TaskType,
            LayersToTransform = LayersToTransform(path, root),
            LayersPattern = LayersPattern(path, root),
            RankPattern = Pattern(path, root, "rank_pattern", (key, value) => IntegerValue(path, key, value)),
            AlphaPattern = Pattern(path, root, "alpha_pattern", (key, value) => NumberValue(path, key, value)),
        };

        if (!root.TryGetProperty("target_modules", out var targets) || targets.ValueKind == JsonValueKind.Null)
        {
            throw new LoraAdapterFormatException($"'{path}' names no target_modules.", path, "target_modules");
        }

        if (targets.ValueKind == JsonValueKind.String)
        {
            options.TargetModulesRegex = targets.GetString();
            options.TargetModules = [];
        }
        else
        {
            options.TargetModules = StringList(path, targets, "target_modules");
        }

        var modulesToSave = root.TryGetProperty("modules_to_save", out var saved) && saved.ValueKind != JsonValueKind.Null
            ? StringList(path, saved, "modules_to_save")
            : [];

        try
        {
            options.Validate();
        }
        catch (ValidationException e)
        {
            throw new LoraAdapterFormatException($"'{path}' describes an adapter that cannot be built: {e.Message}", path, null, e);
        }

        return new PeftAdapterConfig(options, [.. modulesToSave]);
    }

    private static void WriteValue(Utf8JsonWriter json, string key, LoraOptions options, string baseModelNameOrPath)
    {
        switch (key)
        {
            case "alpha_pattern":
                json.WriteStartObject();
                foreach (var (pattern, alpha) in options.AlphaPattern)
                {
                    json.WritePropertyName(pattern);
                    WriteNumber(json, alpha);
                }

                json.WriteEndObject();
                break;
            case "base_model_name_or_path":
                json.WriteStringValue(baseModelNameOrPath);
                break;
            case "bias":
                json.WriteStringValue("none");
                break;
            case "fan_in_fan_out":
            case "use_dora":
                json.WriteBooleanValue(false);
                break;
            case "inference_mode":
            case "init_lora_weights":
                json.WriteBooleanValue(true);
                break;
            case "layers_pattern":
                if (options.LayersPattern is null)
                {
                    json.WriteNullValue();
                }
                else
                {
                    json.WriteStringValue(options.LayersPattern);
                }

                break;
            case "layers_to_transform":
                if (options.LayersToTransform is not { Count: > 0 } layers)
                {
                    json.WriteNullValue();
                }
                else
                {
                    json.WriteStartArray();
                    foreach (var layer in layers)
                    {
                        json.WriteNumberValue(layer);
                    }

                    json.WriteEndArray();
                }

                break;
            case "loftq_config":
                json.WriteStartObject();
                json.WriteEndObject();
                break;
            case "lora_alpha":
                WriteNumber(json, options.Alpha);
                break;
            case "lora_dropout":
                json.WriteNumberValue(options.Dropout);
                break;
            case "megatron_core":
                json.WriteStringValue("megatron.core");
                break;
            case "peft_type":
                json.WriteStringValue("LORA");
                break;
            case "r":
                json.WriteNumberValue(options.Rank);
                break;
            case "rank_pattern":
                json.WriteStartObject();
                foreach (var (pattern, rank) in options.RankPattern)
                {
                    json.WriteNumber(pattern, rank);
                }

                json.WriteEndObject();
                break;
            case "target_modules":
                if (options.TargetModulesRegex is { } regex)
                {
                    json.WriteStringValue(regex);
                }
                else
                {
                    json.WriteStartArray();
                    foreach (var module in options.TargetModules)
                    {
                        json.WriteStringValue(module);
                    }

                    json.WriteEndArray();
                }

                break;
            case "task_type":
                json.WriteStringValue(options.TaskType);
                break;
            case "use_rslora":
                json.WriteBooleanValue(options.UseRsLora);
                break;
            case "auto_mapping":
            case "layer_replication":
            case "megatron_config":
            case "modules_to_save":
            case "revision":
                json.WriteNullValue();
                break;
            default:
                throw new InvalidOperationException($"No value is defined for adapter_config.json key '{key}'.");
        }
    }

    /// <summary>Writes an integral value as a JSON integer (as Python writes an int), others as a float.</summary>
    private static void WriteNumber(Utf8JsonWriter json, double value)
    {
        if (Math.Abs(value) < 1e15 && value == Math.Floor(value))
        {
            json.WriteNumberValue((long)value);
        }
        else
        {
            json.WriteNumberValue(value);
        }
    }

    private static void Refuse(string path, JsonElement root, string key, Func<JsonElement, bool> isRefused, string reason)
    {
        if (root.TryGetProperty(key, out var value) && isRefused(value))
        {
            throw new LoraAdapterFormatException($"'{path}': {reason}.", path, key);
        }
    }

    private static string? OptionalString(string path, JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new LoraAdapterFormatException($"'{path}': '{key}' must be a string or null, not {value.ValueKind}.", path, key);
    }

    private static bool? OptionalBool(string path, JsonElement root, string key)
    {
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new LoraAdapterFormatException($"'{path}': '{key}' must be true or false, not {value.ValueKind}.", path, key),
        };
    }

    private static double? OptionalNumber(string path, JsonElement root, string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? NumberValue(path, key, value) : null;

    private static double RequiredNumber(string path, JsonElement root, string key) =>
        OptionalNumber(path, root, key) ?? throw new LoraAdapterFormatException($"'{path}' has no '{key}'.", path, key);

    private static int RequiredInt(string path, JsonElement root, string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null
            ? IntegerValue(path, key, value)
            : throw new LoraAdapterFormatException($"'{path}' has no '{key}'.", path, key);

    private static double NumberValue(string path, string key, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw new LoraAdapterFormatException($"'{path}': '{key}' must be a finite number, not {Describe(value)}.", path, key);

    private static int IntegerValue(string path, string key, JsonElement value)
    {
        var number = NumberValue(path, key, value);
        return number == Math.Floor(number) && number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : throw new LoraAdapterFormatException(string.Create(CultureInfo.InvariantCulture, $"'{path}': '{key}' must be an integer, not {number}."), path, key);
    }

    private static List<string> StringList(string path, JsonElement value, string key)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new LoraAdapterFormatException($"'{path}': '{key}' must be a list of strings, not {value.ValueKind}.", path, key);
        }

        return value.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new LoraAdapterFormatException($"'{path}': '{key}' must hold strings only, not {Describe(item)}.", path, key))
            .ToList();
    }

    private static List<int>? LayersToTransform(string path, JsonElement root)
    {
        const string Key = "layers_to_transform";
        if (!root.TryGetProperty(Key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(item => IntegerValue(path, Key, item)).ToList()
            : [IntegerValue(path, Key, value)];
    }

    private static string? LayersPattern(string path, JsonElement root)
    {
        const string Key = "layers_pattern";
        if (!root.TryGetProperty(Key, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return OptionalString(path, root, Key);
        }

        var patterns = StringList(path, value, Key);
        return patterns.Count switch
        {
            0 => null,
            1 => patterns[0],
            _ => throw new LoraAdapterFormatException($"'{path}': '{Key}' lists {patterns.Count} layer-list names; only one is supported.", path, Key),
        };
    }

    private static Dictionary<string, T> Pattern<T>(string path, JsonElement root, string key, Func<string, JsonElement, T> read)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new LoraAdapterFormatException($"'{path}': '{key}' must be an object, not {value.ValueKind}.", path, key);
        }

        foreach (var property in value.EnumerateObject())
        {
            result[property.Name] = read($"{key}.{property.Name}", property.Value);
        }

        return result;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => value.GetRawText(),
        _ => value.ValueKind.ToString(),
    };
}
