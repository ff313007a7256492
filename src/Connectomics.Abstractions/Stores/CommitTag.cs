using Connectomics.Chunks;

namespace Connectomics.Stores;

/// <summary>
/// What a commit records besides its rows: the run and shard that made it, where that shard's input stood once the
/// rows were written, and the run's settings. It is published in the same atomic step as the rows, so a committed row
/// is never without the position that produced it.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Shard">The shard of the run.</param>
/// <param name="Position">Where the shard stands once this commit's rows are in.</param>
public sealed record CommitTag(string RunId, ShardAssignment Shard, WorkPosition Position)
{
    /// <summary>Gets the run's settings (model fingerprint, input fingerprint, columns …), compared on resume.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the records the shard has read up to <see cref="Position"/>, rejected ones included.</summary>
    public long RecordsRead { get; init; }

    /// <summary>Gets the rows the shard has committed up to and including this commit.</summary>
    public long RowsWritten { get; init; }

    /// <summary>Gets the records the shard has rejected up to <see cref="Position"/>.</summary>
    public long RecordsRejected { get; init; }

    /// <summary>
    /// Gets the records before <see cref="Position"/> that are not done: each was rejected and set aside to be tried
    /// again (a failed volume block), and a resumed run reads it alone, at its offset, before going on from
    /// <see cref="Position"/>. The shard's done set is every record before <see cref="Position"/> but these.
    /// </summary>
    public IReadOnlyList<WorkPosition> Retry { get; init; } = [];
}
