using Connectomics.Sequences;
using Connectomics.Stores;

namespace Connectomics.Pipelines;

/// <summary>Rows of sequence records: the record's <see cref="SequenceRecord.Id"/> and its metadata entries by column name.</summary>
public sealed class SequenceRecordRows : IRecordRows<SequenceRecord>
{
    /// <summary>Gets the shared instance.</summary>
    public static SequenceRecordRows Instance { get; } = new();

    /// <inheritdoc/>
    public string? GetId(SequenceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return string.IsNullOrEmpty(record.Id) ? null : record.Id;
    }

    /// <inheritdoc/>
    public object? GetValue(SequenceRecord record, RecordColumn column)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(column);
        return record.Metadata.TryGetValue(column.Name, out var value) ? value : null;
    }
}
