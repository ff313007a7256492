using Connectomics.Stores;

namespace Connectomics.Pipelines;

/// <summary>
/// How a record becomes any number of table rows (a volume block: one row per cell or per point, or none when the
/// block is skipped). The model returns, for each such record, <see cref="GetRowCount"/> vectors one after another in a
/// single memory of <c>rows × dimension</c> values; a record with no rows is done without being prepared or encoded.
/// </summary>
/// <remarks>
/// <see cref="IRecordRows{TRecord}.GetId"/> still names the record itself (in bad-record reports and repeat checks);
/// the rows carry their own ids.
/// </remarks>
/// <typeparam name="TRecord">The record type.</typeparam>
public interface IMultiRowRecords<in TRecord> : IRecordRows<TRecord>
{
    /// <summary>Gets the number of rows the record makes (0 or more).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The row count.</returns>
    int GetRowCount(TRecord record);

    /// <summary>Gets the id of one of the record's rows.</summary>
    /// <param name="record">The record.</param>
    /// <param name="row">The row, from 0 to <see cref="GetRowCount"/> less 1.</param>
    /// <returns>The row's id, unique in the table.</returns>
    string GetRowId(TRecord record, int row);

    /// <summary>Gets one row's value of a column (null for a missing value).</summary>
    /// <param name="record">The record.</param>
    /// <param name="row">The row, from 0 to <see cref="GetRowCount"/> less 1.</param>
    /// <param name="column">A column of the source's descriptor.</param>
    /// <returns>The value, of the column type's .NET type.</returns>
    object? GetRowValue(TRecord record, int row, RecordColumn column);
}
