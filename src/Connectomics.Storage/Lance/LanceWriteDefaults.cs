namespace Connectomics.Storage.Lance;

/// <summary>Default values of <see cref="LanceWriteOptions"/>.</summary>
internal static class LanceWriteDefaults
{
    public const long MaxRowsPerFragment = 1024 * 1024;

    public const int MinRowsPerPage = 8192;

    public const LanceDataStorageVersion DataStorageVersion = LanceDataStorageVersion.V2_1;

    public const LanceNonFiniteVectors NonFiniteVectors = LanceNonFiniteVectors.Reject;

    /// <summary>The library name recorded as the manifest's writer version.</summary>
    public const string WriterLibrary = "connectomics-lance";

    /// <summary>How often a commit is rebuilt on a newer version after losing a race.</summary>
    public const int MaxCommitAttempts = 20;
}
