using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectomics.Checkpoints;

namespace Connectomics.Storage.Checkpoints;

/// <summary>
/// The on-disk form of a <see cref="CheckpointState"/>: one line of UTF-8 JSON,
/// <c>{"format":1,"sha256":"&lt;hex&gt;","state":{…}}</c>.
/// </summary>
/// <remarks>
/// <para>
/// The envelope (<c>format</c>, <c>sha256</c>, <c>state</c>) is the same in every format version; only the
/// <c>state</c> object changes. <c>sha256</c> is the lower-case hex SHA-256 of the ASCII decimal format version, a
/// line feed, and the bytes of the <c>state</c> value exactly as they appear in the file. Covering the version
/// means a damaged version number is detected as damage, not mistaken for a newer format.
/// </para>
/// <para>
/// The writer is canonical: no white space, properties in a fixed order, position keys in ordinal order, so the
/// same state always gives the same bytes.
/// </para>
/// </remarks>
internal static class CheckpointFile
{
    /// <summary>The format version this library writes and the newest it reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The largest state file read; anything larger is damage, not state.</summary>
    public const int MaxFileBytes = 1 << 20;

    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
        AllowDuplicateProperties = false,
    };

    /// <summary>Writes a state in the current format.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Serialize(CheckpointState state)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writer.WriteString("runId", state.RunId);
            writer.WriteStartObject("position");
            foreach (var (key, value) in state.Position.OrderBy(entry => entry.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteNumber("storeVersion", state.StoreVersion);
            writer.WriteNumber("recordsRead", state.RecordsRead);
            writer.WriteNumber("recordsWritten", state.RecordsWritten);
            writer.WriteString("savedAt", state.SavedAt);
            writer.WriteEndObject();
        }

        var file = new ArrayBufferWriter<byte>(payload.WrittenCount + 128);
        using (var writer = new Utf8JsonWriter(file))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format", CurrentFormatVersion);
            writer.WriteString("sha256", ComputeHash(CurrentFormatVersion, payload.WrittenSpan));
            writer.WritePropertyName("state");
            writer.WriteRawValue(payload.WrittenSpan, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return file.WrittenSpan.ToArray();
    }

    /// <summary>Reads and verifies the bytes of a state file.</summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <returns>The outcome: a state, damage with its reason, or a newer format version.</returns>
    public static CheckpointFileContent Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return CheckpointFileContent.Damaged("the file is empty");
        }

        if (bytes.Length > MaxFileBytes)
        {
            return CheckpointFileContent.Damaged($"the file is {bytes.Length} bytes, larger than any state file");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.ToArray(), ReadOptions);
        }
        catch (JsonException error)
        {
            return CheckpointFileContent.Damaged($"the file is not valid JSON ({error.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var formatElement)
                || !root.TryGetProperty("sha256", out var hashElement)
                || !root.TryGetProperty("state", out var stateElement))
            {
                return CheckpointFileContent.Damaged("the file lacks the format, sha256 or state property");
            }

            if (formatElement.ValueKind != JsonValueKind.Number || !formatElement.TryGetInt32(out var format) || format < 1)
            {
                return CheckpointFileContent.Damaged("the format version is not a positive integer");
            }

            if (hashElement.ValueKind != JsonValueKind.String || stateElement.ValueKind != JsonValueKind.Object)
            {
                return CheckpointFileContent.Damaged("sha256 is not a string or state is not an object");
            }

            var expected = ComputeHash(format, JsonMarshal.GetRawUtf8Value(stateElement));
            if (!hashElement.ValueEquals(expected))
            {
                return CheckpointFileContent.Damaged("the checksum does not match the content");
            }

            if (format > CurrentFormatVersion)
            {
                return CheckpointFileContent.Newer(format);
            }

            return ReadState(stateElement);
        }
    }

    /// <summary>Computes the checksum of a state value written under a format version.</summary>
    /// <param name="formatVersion">The format version.</param>
    /// <param name="stateBytes">The bytes of the <c>state</c> value as they appear in the file.</param>
    /// <returns>The lower-case hex SHA-256.</returns>
    public static string ComputeHash(int formatVersion, ReadOnlySpan<byte> stateBytes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes(formatVersion.ToString(CultureInfo.InvariantCulture) + "\n"));
        hash.AppendData(stateBytes);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static CheckpointFileContent ReadState(JsonElement state)
    {
        if (!state.TryGetProperty("runId", out var runId) || runId.ValueKind != JsonValueKind.String
            || !state.TryGetProperty("position", out var position) || position.ValueKind != JsonValueKind.Object
            || !state.TryGetProperty("storeVersion", out var storeVersion) || !storeVersion.TryGetUInt64(out var storeVersionValue)
            || !state.TryGetProperty("recordsRead", out var recordsRead) || !recordsRead.TryGetInt64(out var recordsReadValue)
            || !state.TryGetProperty("recordsWritten", out var recordsWritten) || !recordsWritten.TryGetInt64(out var recordsWrittenValue)
            || !state.TryGetProperty("savedAt", out var savedAt) || !savedAt.TryGetDateTimeOffset(out var savedAtValue))
        {
            return CheckpointFileContent.Damaged("the state lacks a property or has one of the wrong type");
        }

        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in position.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                return CheckpointFileContent.Damaged($"the position entry '{entry.Name}' is not a string");
            }

            entries[entry.Name] = entry.Value.GetString()!;
        }

        try
        {
            return CheckpointFileContent.Intact(new CheckpointState
            {
                RunId = runId.GetString()!,
                Position = entries,
                StoreVersion = storeVersionValue,
                RecordsRead = recordsReadValue,
                RecordsWritten = recordsWrittenValue,
                SavedAt = savedAtValue,
            });
        }
        catch (ArgumentException error)
        {
            return CheckpointFileContent.Damaged($"the state holds an invalid value ({error.Message})");
        }
    }
}

/// <summary>What a state file holds.</summary>
internal enum CheckpointFileStatus
{
    /// <summary>There is no file.</summary>
    Missing,

    /// <summary>The file holds a verified state.</summary>
    Intact,

    /// <summary>The file is torn or damaged.</summary>
    Damaged,

    /// <summary>The file is intact but written in a newer format version.</summary>
    NewerFormat,
}

/// <summary>The outcome of reading one state file.</summary>
/// <param name="Status">What the file holds.</param>
/// <param name="State">The state, when <see cref="CheckpointFileStatus.Intact"/>.</param>
/// <param name="Reason">Why the file is damaged, when <see cref="CheckpointFileStatus.Damaged"/>.</param>
/// <param name="FormatVersion">The format version, when <see cref="CheckpointFileStatus.NewerFormat"/>.</param>
internal readonly record struct CheckpointFileContent(CheckpointFileStatus Status, CheckpointState? State, string? Reason, int FormatVersion)
{
    public static CheckpointFileContent Missing => new(CheckpointFileStatus.Missing, null, null, 0);

    public static CheckpointFileContent Intact(CheckpointState state) => new(CheckpointFileStatus.Intact, state, null, CheckpointFile.CurrentFormatVersion);

    public static CheckpointFileContent Damaged(string reason) => new(CheckpointFileStatus.Damaged, null, reason, 0);

    public static CheckpointFileContent Newer(int formatVersion) => new(CheckpointFileStatus.NewerFormat, null, null, formatVersion);
}
