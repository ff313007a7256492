using System.Collections.Concurrent;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>
/// A vector store in memory whose commits are atomic (a new version is published under a lock, rows and tag
/// together), with failure points for writes and commits and a count of the files that uncommitted work leaves.
/// </summary>
public sealed class MemoryVectorStore : IVectorStore
{
    private readonly ConcurrentDictionary<string, MemoryVectorTable> _tables = new(StringComparer.Ordinal);

    public string Location => "memory://store";

    /// <summary>Gets or sets whether a table refuses a definition with other columns (as the contract says); off, it acts like a store that lets columns be added.</summary>
    public bool StrictColumns { get; set; } = true;

    /// <summary>Gets or sets whether a disposed writer leaves its uncommitted files behind, as a process killed mid-run would.</summary>
    public bool LeaveFilesOnDispose { get; set; }

    public FailurePoint WriteFailure { get; } = new("write");

    /// <summary>Called at each write, after the failure point.</summary>
    public Action? OnWrite { get; set; }

    /// <summary>Fails a commit before it publishes anything.</summary>
    public FailurePoint CommitFailure { get; } = new("before commit");

    /// <summary>Fails a commit after it published the new version (a crash before the caller heard back).</summary>
    public FailurePoint AfterPublishFailure { get; } = new("inside commit after publish");

    /// <summary>Gets the files of uncommitted work: (run, shard) of each.</summary>
    public ConcurrentDictionary<Guid, (string RunId, string Shard)> UncommittedFiles { get; } = new();

    /// <summary>Gets the most rows any writer held uncommitted at once.</summary>
    public long MostPendingRows { get; internal set; }

    /// <summary>Gets the rows written to writers, committed or not.</summary>
    public int RowsWritten => Volatile.Read(ref _rowsWritten);

    internal int _rowsWritten;

    public MemoryVectorTable this[string name] => _tables[name];

    public Task<IVectorTable> OpenTableAsync(VectorTableDefinition definition, CancellationToken cancellationToken = default)
    {
        var table = _tables.GetOrAdd(definition.Name, _ => new MemoryVectorTable(this, definition));
        var stored = table.Definition;
        if (StrictColumns && !stored.Columns.SequenceEqual(definition.Columns))
        {
            throw new InvalidOperationException($"Table '{definition.Name}' has other columns.");
        }

        if (stored.Dimension != definition.Dimension)
        {
            throw new InvalidOperationException($"Table '{definition.Name}' has vectors of {stored.Dimension}, not {definition.Dimension}.");
        }

        return Task.FromResult<IVectorTable>(table);
    }

    public Task<IVectorTable> OpenTableAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult<IVectorTable>(_tables[name]);
}
