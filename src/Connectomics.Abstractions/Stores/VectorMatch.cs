namespace Connectomics.Stores;

/// <summary>A row found by a vector search: its id, distance and record columns.</summary>
/// <param name="Id">The row's id.</param>
/// <param name="Distance">The distance to the query, by the search's metric.</param>
/// <param name="Columns">The row's record columns by name.</param>
public sealed record VectorMatch(string Id, float Distance, IReadOnlyDictionary<string, object?> Columns);
