namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The ids a shard has met so far, to find repeated ones. Exact: it keeps every id as a string, because a set of
/// hashes could not tell a collision from a repeat without the ids themselves. Memory is about 60 bytes per id plus
/// two bytes per character (the string and its hash set entry); ten million 20-character ids take about 1 GB.
/// </summary>
/// <remarks>Used by one thread at a time (the read stage, then the resume rebuild before it).</remarks>
internal sealed class SeenIds
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    /// <summary>Gets the number of ids met.</summary>
    public int Count => _ids.Count;

    /// <summary>Records <paramref name="id"/>; returns false when it was met before.</summary>
    public bool Add(string id) => _ids.Add(id);
}
