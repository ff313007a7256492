namespace Connectomics.Stores;

/// <summary>A commit found in a store: its version, its tag and when it was made.</summary>
/// <param name="Version">The store version the commit produced.</param>
/// <param name="Tag">The commit's tag.</param>
/// <param name="Timestamp">When the commit was made, when the store records it.</param>
public sealed record CommitRecord(ulong Version, CommitTag Tag, DateTimeOffset? Timestamp);
