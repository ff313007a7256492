using Connectomics.Sequences;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// Consecutive records of one row group of one file, with the positions that bound them. A batch holds only
/// managed data, so it needs no disposal.
/// </summary>
/// <param name="Records">The records, in file order; never empty.</param>
/// <param name="Start">The position of the first record.</param>
/// <param name="Next">The position just after the last record: a reader started here continues with the record
/// after this batch, so it is the value to checkpoint once the batch has been processed.</param>
public sealed record ParquetSequenceBatch(IReadOnlyList<SequenceRecord> Records, ParquetReadPosition Start, ParquetReadPosition Next);
