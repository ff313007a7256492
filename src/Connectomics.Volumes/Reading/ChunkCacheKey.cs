namespace Connectomics.Volumes.Reading;

/// <summary>A chunk of one array: the array compared by reference, the chunk index by value.</summary>
internal readonly struct ChunkCacheKey : IEquatable<ChunkCacheKey>
{
    private readonly long[] _index;
    private readonly int _hash;

    /// <summary>Initializes a key.</summary>
    /// <param name="owner">The array (compared by reference).</param>
    /// <param name="index">The chunk index (copied).</param>
    public ChunkCacheKey(object owner, ReadOnlySpan<long> index)
    {
        Owner = owner;
        _index = index.ToArray();
        var hash = new HashCode();
        hash.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(owner));
        foreach (var coordinate in index)
        {
            hash.Add(coordinate);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>Gets the array.</summary>
    public object Owner { get; }

    /// <summary>Gets the chunk index.</summary>
    public ReadOnlySpan<long> Index => _index;

    /// <inheritdoc/>
    public bool Equals(ChunkCacheKey other) =>
        ReferenceEquals(Owner, other.Owner) && _index.AsSpan().SequenceEqual(other._index);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ChunkCacheKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;
}
