namespace Connectomics.Lance.Import;

/// <summary>What an import committed.</summary>
internal sealed record ImportResult(int Files, long Rows, ulong Version);
