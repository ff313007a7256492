using System.Collections.Immutable;

namespace Connectomics.Checkpoints;

/// <summary>
/// The durable progress of one run: how far the source has been consumed (<see cref="Position"/>) and the store
/// version whose commit holds every output produced up to that position (<see cref="StoreVersion"/>).
/// </summary>
/// <remarks>
/// <para>
/// A checkpoint ties a source position to a store version. Record it only after the store commit for
/// <see cref="StoreVersion"/> has succeeded; a resumed run restarts reading at <see cref="Position"/> and treats any
/// store version newer than <see cref="StoreVersion"/> as uncommitted work.
/// </para>
/// <para>
/// Instances are immutable and safe to share between threads. Equality is by value, including the entries of
/// <see cref="Position"/> (compared without regard to order).
/// </para>
/// </remarks>
public sealed record CheckpointState
{
    private static readonly ImmutableSortedDictionary<string, string> EmptyPosition =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the identifier of the run this state belongs to.</summary>
    /// <exception cref="ArgumentException">The value is null, empty or white space.</exception>
    public required string RunId
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    }

    /// <summary>
    /// Gets the position in the source up to which every record has been processed and committed, as a small map
    /// of names to opaque values that only the source interprets (for example a file, a row group and a row, or a
    /// shard and a block index). A single opaque token is a map with one entry.
    /// </summary>
    /// <value>The default value is an empty map (the start of the source). Keys are kept in ordinal order.</value>
    /// <exception cref="ArgumentNullException">The map, or one of its values, is null.</exception>
    public IReadOnlyDictionary<string, string> Position
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var (key, entry) in value)
            {
                ArgumentNullException.ThrowIfNull(entry, nameof(Position));
                builder.Add(key, entry);
            }

            field = builder.ToImmutable();
        }
    } = EmptyPosition;

    /// <summary>
    /// Gets the version of the output store whose commit holds everything produced up to <see cref="Position"/>
    /// (unsigned, as Lance numbers versions).
    /// </summary>
    public required ulong StoreVersion { get; init; }

    /// <summary>Gets the number of source records consumed up to <see cref="Position"/>.</summary>
    /// <value>The default value is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long RecordsRead
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>Gets the number of records committed to the store up to <see cref="StoreVersion"/>.</summary>
    /// <value>The default value is 0.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long RecordsWritten
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>
    /// Gets when the state was saved. A checkpoint store sets it from its <see cref="TimeProvider"/> when it saves the
    /// state; the value passed to <see cref="ICheckpointStore.SaveAsync"/> is not used.
    /// </summary>
    /// <value>The default value is <see cref="DateTimeOffset.MinValue"/> (not saved yet).</value>
    public DateTimeOffset SavedAt { get; init; }

    /// <summary>Compares two states by value, including the entries of <see cref="Position"/>.</summary>
    /// <param name="other">The state to compare with.</param>
    /// <returns><see langword="true"/> when every property is equal.</returns>
    public bool Equals(CheckpointState? other) =>
        other is not null
        && string.Equals(RunId, other.RunId, StringComparison.Ordinal)
        && StoreVersion == other.StoreVersion
        && RecordsRead == other.RecordsRead
        && RecordsWritten == other.RecordsWritten
        && SavedAt.Equals(other.SavedAt)
        && SavedAt.Offset == other.SavedAt.Offset
        && Position.Count == other.Position.Count
        && Position.All(entry => other.Position.TryGetValue(entry.Key, out var value) && string.Equals(entry.Value, value, StringComparison.Ordinal));

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"RunId = {RunId}, Position = {{ ");
        builder.AppendJoin(", ", Position.Select(entry => $"{entry.Key} = {entry.Value}"));
        builder.Append(System.Globalization.CultureInfo.InvariantCulture,
            $" }}, StoreVersion = {StoreVersion}, RecordsRead = {RecordsRead}, RecordsWritten = {RecordsWritten}, SavedAt = {SavedAt:O}");
        return true;
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(RunId, StringComparer.Ordinal);
        hash.Add(StoreVersion);
        hash.Add(RecordsRead);
        hash.Add(RecordsWritten);
        hash.Add(SavedAt);
        foreach (var (key, value) in Position)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
