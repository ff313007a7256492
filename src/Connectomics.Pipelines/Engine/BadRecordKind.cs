namespace Connectomics.Pipelines.Engine;

/// <summary>Why a record is bad, as a low-cardinality kind for metrics and logs.</summary>
internal enum BadRecordKind
{
    /// <summary>The source could not make the record (a malformed line, a null sequence).</summary>
    Source,

    /// <summary>The record has no id, or an empty one.</summary>
    MissingId,

    /// <summary>The record's id repeats the id of an earlier record of the shard.</summary>
    DuplicateId,

    /// <summary>The model cannot embed the record (its prepared input says why).</summary>
    Unusable,

    /// <summary>Too large a share of the record's model units are unknown to the model.</summary>
    UnknownUnits,
}
