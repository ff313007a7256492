using System.Globalization;

namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// A lineage of up to seven named ranks, kingdom to species. A rank may be missing (<see langword="null"/>): the
/// name was empty, absent (a string with fewer than seven fields) or a bare rank prefix such as <c>g__</c>.
/// </summary>
/// <remarks>Instances are immutable and compare by their names (ordinal).</remarks>
public sealed class TaxonomyPath : IEquatable<TaxonomyPath>
{
    /// <summary>The number of ranks, seven.</summary>
    public const int RankCount = 7;

    private static readonly string[] RankPrefixes = ["k__", "p__", "c__", "o__", "f__", "g__", "s__"];
    private readonly string?[] _names;

    /// <summary>Initializes a lineage from its names, kingdom first; fewer than seven leave the lower ranks missing.</summary>
    /// <param name="names">The names; <see langword="null"/>, empty or white-space ones are missing. Names are trimmed.</param>
    /// <exception cref="ArgumentException">More than seven names, or a name holding <c>;</c>.</exception>
    public TaxonomyPath(params IReadOnlyList<string?> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count > RankCount)
        {
            throw new ArgumentException($"A lineage has at most {RankCount} ranks, not {names.Count}.", nameof(names));
        }

        _names = new string?[RankCount];
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i]?.Trim();
            if (name is not null && name.Contains(';', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The {(TaxonomyRank)i} name '{name}' holds ';', the rank separator.", nameof(names));
            }

            _names[i] = string.IsNullOrEmpty(name) ? null : name;
        }
    }

    /// <summary>Gets a lineage with every rank missing.</summary>
    public static TaxonomyPath Empty { get; } = new();

    /// <summary>Gets the name at a rank, or <see langword="null"/> when the rank is missing.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns>The name.</returns>
    public string? this[TaxonomyRank rank] => _names[RankIndex(rank)];

    /// <summary>Gets the names, kingdom first; seven entries, <see langword="null"/> where missing.</summary>
    public IReadOnlyList<string?> Names => _names;

    /// <summary>Gets a value indicating whether no rank is named.</summary>
    public bool IsEmpty => Array.TrueForAll(_names, n => n is null);

    /// <summary>Gets the deepest named rank, or <see langword="null"/> when no rank is named.</summary>
    public TaxonomyRank? DeepestRank
    {
        get
        {
            for (var i = RankCount - 1; i >= 0; i--)
            {
                if (_names[i] is not null)
                {
                    return (TaxonomyRank)i;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Reads a taxonomy string: up to seven fields separated by <c>;</c>, kingdom first, as RDP and SILVA training
    /// files write them (<c>Bacteria;Firmicutes;Bacilli;…</c>) or with QIIME/Greengenes rank prefixes
    /// (<c>k__Bacteria; p__Firmicutes; …</c>). Fields are trimmed; an empty field, a field of only a rank prefix
    /// (<c>g__</c>) and absent trailing fields are missing ranks; one trailing <c>;</c> is allowed.
    /// </summary>
    /// <param name="text">The taxonomy string.</param>
    /// <returns>The lineage; every rank missing for an empty or white-space string.</returns>
    /// <exception cref="TaxonomyFormatException">The string has more than seven fields, or a prefixed field sits at
    /// another rank than its prefix says (<c>g__</c> in the third field).</exception>
    public static TaxonomyPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty;
        }

        var fields = text.Split(';');
        var count = fields.Length;
        if (count > RankCount && count == RankCount + 1 && string.IsNullOrWhiteSpace(fields[^1]))
        {
            count = RankCount;
        }

        if (count > RankCount)
        {
            throw new TaxonomyFormatException(
                string.Create(CultureInfo.InvariantCulture, $"The taxonomy '{text}' has {count} ranks; at most {RankCount} (kingdom;phylum;class;order;family;genus;species) are allowed."),
                text);
        }

        var names = new string?[RankCount];
        for (var i = 0; i < count; i++)
        {
            var field = fields[i].Trim();
            if (field.Length >= 3 && field[1] == '_' && field[2] == '_' && char.IsAsciiLetterLower(field[0]))
            {
                var expected = RankPrefixes[i];
                if (!field.StartsWith(expected, StringComparison.Ordinal))
                {
                    throw new TaxonomyFormatException(
                        $"The taxonomy '{text}' has '{field}' as its {(TaxonomyRank)i} field; a prefixed {(TaxonomyRank)i} name starts with '{expected}'.",
                        text);
                }

                field = field[3..].Trim();
            }

            names[i] = field.Length == 0 ? null : field;
        }

        return new TaxonomyPath(names);
    }

    /// <summary>Reads a taxonomy string; see <see cref="Parse"/>.</summary>
    /// <param name="text">The taxonomy string.</param>
    /// <param name="path">The lineage, or <see langword="null"/> when the string is refused.</param>
    /// <returns>Whether the string was read.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TaxonomyPath? path)
    {
        path = null;
        if (text is null)
        {
            return false;
        }

        try
        {
            path = Parse(text);
            return true;
        }
        catch (TaxonomyFormatException)
        {
            return false;
        }
    }

    /// <summary>Gets this lineage cut after <paramref name="rank"/>: the lower ranks become missing.</summary>
    /// <param name="rank">The deepest rank kept.</param>
    /// <returns>The truncated lineage.</returns>
    public TaxonomyPath TruncateAfter(TaxonomyRank rank) => new(_names.AsSpan(0, RankIndex(rank) + 1).ToArray());

    /// <summary>Writes the seven ranks joined by <c>;</c>, empty where missing (<c>Bacteria;Firmicutes;;;;;</c>).</summary>
    /// <returns>The taxonomy string; <see cref="Parse"/> reads it back to an equal lineage.</returns>
    public string ToTaxonomyString() => string.Join(';', _names.Select(n => n ?? string.Empty));

    /// <inheritdoc/>
    public override string ToString() => ToTaxonomyString();

    /// <inheritdoc/>
    public bool Equals(TaxonomyPath? other)
    {
        if (other is null)
        {
            return false;
        }

        for (var i = 0; i < RankCount; i++)
        {
            if (!string.Equals(_names[i], other._names[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TaxonomyPath);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var name in _names)
        {
            hash.Add(name, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    internal static int RankIndex(TaxonomyRank rank)
    {
        var index = (int)rank;
        if ((uint)index >= RankCount)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, "Not one of the seven taxonomy ranks.");
        }

        return index;
    }
}
