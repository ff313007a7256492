namespace Connectomics.Storage.Lance;

/// <summary>The kinds of file a cleanup removes from a table directory.</summary>
public enum LanceCleanupFileKind
{
    /// <summary>The manifest of a removed version (<c>_versions/*.manifest</c>).</summary>
    Manifest,

    /// <summary>A transaction file no remaining version refers to (<c>_transactions/*.txn</c>).</summary>
    Transaction,

    /// <summary>A data file no remaining version refers to (<c>data/*.lance</c>), such as one an interrupted write left.</summary>
    Data,

    /// <summary>A deletion file no remaining version refers to (<c>_deletions/*</c>).</summary>
    Deletion,

    /// <summary>A staging file of an interrupted commit (<c>.tmp-*</c> in <c>_versions</c>, <c>_transactions</c> or <c>data</c>).</summary>
    Temporary,
}
