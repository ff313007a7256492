using System.Globalization;
using System.Text.Json;
using Connectomics.Chunks;
using Connectomics.Stores;

namespace Connectomics.Storage.Lance.Store;

/// <summary>
/// A <see cref="CommitTag"/> as the transaction properties of a Lance commit: the run, the shard (<c>i/N</c>), the
/// position (<see cref="WorkPosition"/> text), the counts and the records to try again (a JSON array of position
/// texts, left out when there are none) under <c>connectomics.*</c> keys, and the run's own properties under
/// <see cref="RunPropertyPrefix"/>, so that nothing of the run collides with the tag.
/// </summary>
internal static class CommitTagProperties
{
    public const string RunIdKey = "connectomics.run_id";
    public const string ShardKey = "connectomics.shard";
    public const string PositionKey = "connectomics.position";
    public const string RecordsReadKey = "connectomics.records_read";
    public const string RowsWrittenKey = "connectomics.rows_written";
    public const string RecordsRejectedKey = "connectomics.records_rejected";
    public const string RetryKey = "connectomics.retry";

    /// <summary>The prefix of the run's properties (<see cref="CommitTag.Properties"/>).</summary>
    public const string RunPropertyPrefix = "connectomics.run.";

    public static Dictionary<string, string> Encode(CommitTag tag)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RunIdKey] = tag.RunId,
            [ShardKey] = tag.Shard.ToString(),
            [PositionKey] = tag.Position.ToString(),
            [RecordsReadKey] = tag.RecordsRead.ToString(CultureInfo.InvariantCulture),
            [RowsWrittenKey] = tag.RowsWritten.ToString(CultureInfo.InvariantCulture),
            [RecordsRejectedKey] = tag.RecordsRejected.ToString(CultureInfo.InvariantCulture),
        };
        if (tag.Retry.Count > 0)
        {
            properties[RetryKey] = EncodeRetry(tag.Retry);
        }

        foreach (var (key, value) in tag.Properties)
        {
            properties[RunPropertyPrefix + key] = value;
        }

        return properties;
    }

    /// <summary>Gets whether the properties are a tag of this run and shard.</summary>
    public static bool IsOf(IReadOnlyDictionary<string, string> properties, string runId, ShardAssignment shard) =>
        properties.TryGetValue(RunIdKey, out var run) && run == runId
        && properties.TryGetValue(ShardKey, out var text) && text == shard.ToString();

    /// <summary>Reads the tag back.</summary>
    /// <exception cref="LanceFormatException">A part of the tag is missing or malformed; the message names the key and the file.</exception>
    public static CommitTag Decode(IReadOnlyDictionary<string, string> properties, string source)
    {
        var runId = Required(properties, RunIdKey, source);
        var shard = ShardAssignment.TryParse(Required(properties, ShardKey, source), out var parsedShard)
            ? parsedShard
            : throw Malformed(ShardKey, properties[ShardKey], source);
        var position = WorkPosition.TryParse(Required(properties, PositionKey, source), out var parsedPosition)
            ? parsedPosition
            : throw Malformed(PositionKey, properties[PositionKey], source);
        var run = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            if (key.StartsWith(RunPropertyPrefix, StringComparison.Ordinal))
            {
                run[key[RunPropertyPrefix.Length..]] = value;
            }
        }

        return new CommitTag(runId, shard, position)
        {
            Properties = run,
            RecordsRead = Count(properties, RecordsReadKey, source),
            RowsWritten = Count(properties, RowsWrittenKey, source),
            RecordsRejected = Count(properties, RecordsRejectedKey, source),
            Retry = properties.TryGetValue(RetryKey, out var retry) ? DecodeRetry(retry, source) : [],
        };
    }

    private static string EncodeRetry(IReadOnlyList<WorkPosition> retry)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var position in retry)
            {
                json.WriteStringValue(position.ToString());
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static WorkPosition[] DecodeRetry(string text, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw Malformed(RetryKey, text, source, "a JSON array of positions was expected");
            }

            var positions = new WorkPosition[document.RootElement.GetArrayLength()];
            var i = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String || !WorkPosition.TryParse(element.GetString(), out var position) || position.IsDone)
                {
                    throw Malformed(RetryKey, text, source, string.Create(CultureInfo.InvariantCulture, $"item {i} is not a position '<offset>@<unit key>'"));
                }

                positions[i++] = position;
            }

            return positions;
        }
        catch (JsonException exception)
        {
            throw new LanceFormatException($"The commit tag's '{RetryKey}' is '{text}', which is not JSON: {exception.Message}", source);
        }
    }

    private static string Required(IReadOnlyDictionary<string, string> properties, string key, string source) =>
        properties.TryGetValue(key, out var value) ? value : throw new LanceFormatException($"The commit tag lacks '{key}'.", source);

    private static long Count(IReadOnlyDictionary<string, string> properties, string key, string source)
    {
        if (!properties.TryGetValue(key, out var text))
        {
            return 0;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw Malformed(key, text, source);
    }

    private static LanceFormatException Malformed(string key, string value, string source, string? why = null) =>
        new($"The commit tag's '{key}' is '{value}', which does not parse{(why is null ? "." : $": {why}.")}", source);
}
