namespace Connectomics.Storage.Lance.Table;

/// <summary>The points of a commit at which <see cref="TableCommitter.StageReached"/> is called (to test crash safety).</summary>
internal enum CommitStage
{
    /// <summary>The data files are complete; nothing else is written yet.</summary>
    Starting,

    /// <summary>The transaction file is in <c>_transactions/</c>; no manifest is written yet.</summary>
    TransactionWritten,

    /// <summary>The new manifest is written to a staging file in <c>_versions/</c> but not yet published.</summary>
    ManifestStaged,

    /// <summary>The manifest is published under its final name (the commit is durable); the version hint is not yet updated.</summary>
    ManifestPublished,
}
