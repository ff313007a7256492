namespace Connectomics.Pipelines.Engine;

/// <summary>The names of <see cref="BadRecordKind"/> values in metric tags and logs.</summary>
internal static class BadRecordKindNames
{
    /// <summary>Gets the tag value of a kind: <c>source</c>, <c>missing_id</c>, <c>duplicate_id</c>, <c>unusable</c>, <c>unknown_units</c>.</summary>
    public static string Name(this BadRecordKind kind) => kind switch
    {
        BadRecordKind.Source => "source",
        BadRecordKind.MissingId => "missing_id",
        BadRecordKind.DuplicateId => "duplicate_id",
        BadRecordKind.Unusable => "unusable",
        BadRecordKind.UnknownUnits => "unknown_units",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
