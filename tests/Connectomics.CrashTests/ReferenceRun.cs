namespace Connectomics.CrashTests;

/// <summary>An uninterrupted run: its database, how often it reached each named point, what it left, how long it took.</summary>
internal sealed record ReferenceRun(string Database, IReadOnlyDictionary<string, int> Counts, TableSnapshot Snapshot, TimeSpan Elapsed);
