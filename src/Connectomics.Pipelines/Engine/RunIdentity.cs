using System.Globalization;
using System.Text;
using Connectomics.Chunks;
using Connectomics.Embeddings;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// What makes a run the run it is: the table it writes (with the model stamped in its metadata) and the properties
/// every commit's tag records (model, input, source settings, columns, chunking, sharding). A resumed run must match
/// the properties its last commit recorded; a table must have been made with the same model.
/// </summary>
internal sealed class RunIdentity
{
    /// <summary>The table metadata key of the model's name.</summary>
    public const string ModelNameKey = "connectomics.model.name";

    /// <summary>The table metadata key of the model's fingerprint.</summary>
    public const string ModelFingerprintKey = "connectomics.model.fingerprint";

    /// <summary>The table metadata key of the model's dimension.</summary>
    public const string ModelDimensionKey = "connectomics.model.dimension";

    /// <summary>The prefix of the table metadata keys of the model's properties (<c>connectomics.model.pooling</c>).</summary>
    public const string ModelPropertyPrefix = "connectomics.model.";

    /// <summary>The tag property of the model's fingerprint.</summary>
    public const string TagModelFingerprint = "model.fingerprint";

    /// <summary>The tag property of the input's fingerprint.</summary>
    public const string TagInputFingerprint = "input.fingerprint";

    /// <summary>The tag property of the number of work units of the input.</summary>
    public const string TagInputUnits = "input.units";

    /// <summary>The tag property of the source's kind.</summary>
    public const string TagSourceKind = "source.kind";

    /// <summary>The prefix of the tag properties of the source's settings.</summary>
    public const string TagSourceSettingPrefix = "source.setting.";

    /// <summary>The tag property of the record columns.</summary>
    public const string TagColumns = "columns";

    /// <summary>The tag property of the chunk size.</summary>
    public const string TagChunkSize = "chunk.size";

    /// <summary>The tag property of the number of shards.</summary>
    public const string TagShardCount = "shard.count";

    private RunIdentity(VectorTableDefinition definition, IReadOnlyDictionary<string, string> properties, string modelFingerprint)
    {
        Definition = definition;
        Properties = properties;
        ModelFingerprint = modelFingerprint;
    }

    /// <summary>Gets the table the run writes.</summary>
    public VectorTableDefinition Definition { get; }

    /// <summary>Gets the properties every commit's tag records.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>Gets the model's fingerprint.</summary>
    public string ModelFingerprint { get; }

    /// <summary>Describes the run of <paramref name="pipeline"/> over <paramref name="plan"/>.</summary>
    public static RunIdentity Create<TRecord>(EmbeddingPipeline<TRecord> pipeline, WorkPlan plan)
    {
        var source = pipeline.Source.Descriptor;
        var model = pipeline.Model.Descriptor;
        var metadata = new Dictionary<string, string>(pipeline.TableMetadata, StringComparer.Ordinal);
        foreach (var (key, value) in model.Properties)
        {
            metadata[ModelPropertyPrefix + key] = value;
        }

        metadata[ModelNameKey] = model.Name;
        metadata[ModelFingerprintKey] = model.Fingerprint;
        metadata[ModelDimensionKey] = model.Dimension.ToString(CultureInfo.InvariantCulture);
        var definition = new VectorTableDefinition(pipeline.Table, source.Columns, model.Dimension) { Metadata = metadata };

        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TagModelFingerprint] = model.Fingerprint,
            [TagInputFingerprint] = plan.InputFingerprint,
            [TagInputUnits] = plan.AllUnits.Count.ToString(CultureInfo.InvariantCulture),
            [TagSourceKind] = source.Kind,
            [TagColumns] = DescribeColumns(source.Columns),
            [TagChunkSize] = pipeline.Options.ChunkSize.ToString(CultureInfo.InvariantCulture),
            [TagShardCount] = plan.Shard.Count.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in source.Settings)
        {
            properties[TagSourceSettingPrefix + key] = value;
        }

        return new RunIdentity(definition, properties, model.Fingerprint);
    }

    /// <summary>Refuses a table that was made with another model.</summary>
    /// <exception cref="PipelineResumeConflictException">The table's recorded model fingerprint differs.</exception>
    public void CheckTable(IVectorTable table, string store)
    {
        if (table.Definition.Metadata.TryGetValue(ModelFingerprintKey, out var recorded)
            && !string.Equals(recorded, ModelFingerprint, StringComparison.Ordinal))
        {
            table.Definition.Metadata.TryGetValue(ModelNameKey, out var recordedName);
            var differences = new Dictionary<string, (string? Recorded, string? Requested)>(StringComparer.Ordinal)
            {
                [TagModelFingerprint] = (recorded, ModelFingerprint),
            };
            throw new PipelineResumeConflictException(
                $"The table '{Definition.Name}' in {store} holds vectors of another model: model fingerprint recorded {recorded}"
                + $" ({recordedName ?? "unnamed"}), now {ModelFingerprint} ({Definition.Metadata[ModelNameKey]}). Vectors of two models must not"
                + " share a table: write to another table, or remove this one to start over.",
                differences);
        }
    }

    /// <summary>Lists every property whose recorded value differs from this run's, by name.</summary>
    public IReadOnlyDictionary<string, (string? Recorded, string? Requested)> Compare(IReadOnlyDictionary<string, string> recorded)
    {
        var differences = new SortedDictionary<string, (string? Recorded, string? Requested)>(StringComparer.Ordinal);
        foreach (var key in recorded.Keys.Union(Properties.Keys, StringComparer.Ordinal))
        {
            var before = recorded.TryGetValue(key, out var r) ? r : null;
            var now = Properties.TryGetValue(key, out var n) ? n : null;
            if (!string.Equals(before, now, StringComparison.Ordinal))
            {
                differences[key] = (before, now);
            }
        }

        return new Dictionary<string, (string? Recorded, string? Requested)>(differences, StringComparer.Ordinal);
    }

    /// <summary>Builds the message that refuses a resume, naming each difference.</summary>
    public static string DescribeConflict(string runId, ShardAssignment shard, string table, IReadOnlyDictionary<string, (string? Recorded, string? Requested)> differences)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Run '{runId}' shard {shard} cannot resume in table '{table}': this run differs from the one recorded in its last commit in {differences.Count} setting(s): ");
        text.AppendJoin("; ", differences.Select(d => $"{Describe(d.Key)} recorded {d.Value.Recorded ?? "(none)"}, now {d.Value.Requested ?? "(none)"}"));
        text.Append(". To start over, run with Restart() (which replaces the table's contents), or choose another run id or table.");
        return text.ToString();
    }

    private static string Describe(string key) => key switch
    {
        TagModelFingerprint => "the model fingerprint",
        TagInputFingerprint => "the input fingerprint (units' keys and sizes)",
        TagInputUnits => "the number of input units",
        TagSourceKind => "the source kind",
        TagColumns => "the columns",
        TagChunkSize => "the chunk size",
        TagShardCount => "the shard count",
        _ when key.StartsWith(TagSourceSettingPrefix, StringComparison.Ordinal) => $"the source setting '{key[TagSourceSettingPrefix.Length..]}'",
        _ => $"'{key}'",
    };

    private static string DescribeColumns(IReadOnlyList<RecordColumn> columns) =>
        columns.Count == 0
            ? "(none)"
            : string.Join(", ", columns.Select(c => $"{c.Name}:{c.Type.ToString().ToLowerInvariant()}{(c.Nullable ? "?" : string.Empty)}"));
}
