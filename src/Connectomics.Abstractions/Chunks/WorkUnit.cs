namespace Connectomics.Chunks;

/// <summary>
/// A unit of streamed work: a Parquet row group, a FASTA file, a 3-D block. Its <see cref="Key"/> is stable across
/// runs and machines and never holds an absolute path, so a run resumed on a node that mounts the input elsewhere finds
/// the same units.
/// </summary>
/// <remarks>Units of one plan are ordered by <see cref="Ordinal"/>; output follows that order within a shard.</remarks>
public sealed record WorkUnit
{
    /// <summary>Initializes a unit.</summary>
    /// <param name="key">The stable, portable key: a path relative to the input root with a row group or block index.</param>
    /// <param name="ordinal">The unit's place in the source's plan (0-based), which fixes the order of output.</param>
    /// <param name="cost">The estimated cost.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or rooted.</exception>
    public WorkUnit(string key, int ordinal, WorkUnitCost cost)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        if (key.StartsWith('/') || key.StartsWith('\\') || (key.Length > 1 && key[1] == ':'))
        {
            throw new ArgumentException($"A work unit key must be portable (relative), not '{key}'.", nameof(key));
        }

        Key = key;
        Ordinal = ordinal;
        Cost = cost;
    }

    /// <summary>Gets the stable, portable key.</summary>
    public string Key { get; }

    /// <summary>Gets the unit's place in the source's plan.</summary>
    public int Ordinal { get; }

    /// <summary>Gets the estimated cost.</summary>
    public WorkUnitCost Cost { get; }
}
