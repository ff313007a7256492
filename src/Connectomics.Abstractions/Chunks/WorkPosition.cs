using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Connectomics.Chunks;

/// <summary>
/// Where a shard's work stands: every unit of its plan before <see cref="UnitKey"/> is done, and of that unit the
/// first <see cref="Offset"/> records (or blocks). Portable: it names units by key, never by absolute path.
/// </summary>
/// <remarks>The text form (<see cref="ToString"/>, <see cref="Parse"/>) is <c>offset@key</c>, or <c>done</c>.</remarks>
public sealed record WorkPosition
{
    private const string DoneText = "done";

    private WorkPosition(string? unitKey, long offset)
    {
        UnitKey = unitKey;
        Offset = offset;
    }

    /// <summary>Gets the position of a shard whose every unit is done.</summary>
    public static WorkPosition Done { get; } = new(null, 0);

    /// <summary>Gets the key of the first unit not wholly done, or null when <see cref="IsDone"/>.</summary>
    public string? UnitKey { get; }

    /// <summary>Gets the number of records of <see cref="UnitKey"/> already done.</summary>
    public long Offset { get; }

    /// <summary>Gets a value indicating whether every unit of the shard is done.</summary>
    [MemberNotNullWhen(false, nameof(UnitKey))]
    public bool IsDone => UnitKey is null;

    /// <summary>Creates the position <paramref name="offset"/> records into the unit <paramref name="unitKey"/>.</summary>
    /// <param name="unitKey">The unit's key.</param>
    /// <param name="offset">The records of that unit already done.</param>
    /// <returns>The position.</returns>
    public static WorkPosition Within(string unitKey, long offset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(unitKey);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return new WorkPosition(unitKey, offset);
    }

    /// <summary>Parses the text form.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The position.</returns>
    /// <exception cref="FormatException">The text is not a position.</exception>
    public static WorkPosition Parse(string text) =>
        TryParse(text, out var position) ? position : throw new FormatException($"'{text}' is not a work position ('<offset>@<unit key>' or 'done').");

    /// <summary>Parses the text form.</summary>
    /// <param name="text">The text.</param>
    /// <param name="position">The position, when the text is one.</param>
    /// <returns>Whether the text is a position.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out WorkPosition? position)
    {
        position = null;
        if (text is null)
        {
            return false;
        }

        if (text == DoneText)
        {
            position = Done;
            return true;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == text.Length - 1
            || !long.TryParse(text.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        position = new WorkPosition(text[(at + 1)..], offset);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        IsDone ? DoneText : string.Create(CultureInfo.InvariantCulture, $"{Offset}@{UnitKey}");
}
