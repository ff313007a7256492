using Connectomics.Stores;

namespace Connectomics.Pipelines;

/// <summary>How a record becomes a table row: its id and the value of each record column.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public interface IRecordRows<in TRecord>
{
    /// <summary>Gets the record's id, or null when it has none (a bad record).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The id.</returns>
    string? GetId(TRecord record);

    /// <summary>Gets the record's value of a column (null for a missing value).</summary>
    /// <param name="record">The record.</param>
    /// <param name="column">A column of the source's descriptor.</param>
    /// <returns>The value, of the column type's .NET type.</returns>
    object? GetValue(TRecord record, RecordColumn column);
}
