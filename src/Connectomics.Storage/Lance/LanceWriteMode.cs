namespace Connectomics.Storage.Lance;

/// <summary>What a write does with an existing table.</summary>
public enum LanceWriteMode
{
    /// <summary>Create a new table; fails with <see cref="LanceCommitConflictException"/> if the table already has a version.</summary>
    Create = 0,

    /// <summary>Commit a new version holding only the written rows (and the new schema); creates the table when absent. Earlier versions stay readable.</summary>
    Overwrite = 1,

    /// <summary>Add the written rows to the latest version; creates the table when absent. The schema must match the table's.</summary>
    Append = 2,
}
