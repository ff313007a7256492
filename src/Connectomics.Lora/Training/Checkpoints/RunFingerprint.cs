using System.Globalization;

namespace Connectomics.Lora.Training;

/// <summary>
/// The settings and data digests that decide what a run computes, by name. A checkpoint stores its run's fingerprint,
/// and a resume compares it setting by setting so that the refusal names each difference.
/// </summary>
internal sealed class RunFingerprint
{
    private readonly SortedDictionary<string, string> _entries = new(StringComparer.Ordinal);

    /// <summary>Gets the entries, sorted by name.</summary>
    public IReadOnlyDictionary<string, string> Entries => _entries;

    /// <summary>Creates a fingerprint from stored entries.</summary>
    /// <param name="entries">The entries.</param>
    /// <returns>The fingerprint.</returns>
    public static RunFingerprint From(IReadOnlyDictionary<string, string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var fingerprint = new RunFingerprint();
        foreach (var (name, value) in entries)
        {
            fingerprint._entries[name] = value;
        }

        return fingerprint;
    }

    /// <summary>Adds a setting.</summary>
    /// <param name="name">The setting's name, as the options call it.</param>
    /// <param name="value">Its value (formatted with the invariant culture; doubles round-trip).</param>
    /// <returns>This fingerprint.</returns>
    public RunFingerprint Add(string name, object? value)
    {
        _entries[name] = value switch
        {
            null => "null",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            System.Collections.IEnumerable items and not string => "[" + string.Join(",", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))) + "]",
            _ => value.ToString() ?? "null",
        };
        return this;
    }

    /// <summary>Lists the differences from the fingerprint a checkpoint stored.</summary>
    /// <param name="stored">The checkpoint's fingerprint.</param>
    /// <returns>One line per differing or missing setting; empty when they agree.</returns>
    public IReadOnlyList<string> DifferencesFrom(RunFingerprint stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var differences = new List<string>();
        foreach (var name in _entries.Keys.Union(stored._entries.Keys).Order(StringComparer.Ordinal))
        {
            var ours = _entries.GetValueOrDefault(name, "(absent)");
            var theirs = stored._entries.GetValueOrDefault(name, "(absent)");
            if (!string.Equals(ours, theirs, StringComparison.Ordinal))
            {
                differences.Add($"{name}: checkpoint {theirs}, this run {ours}");
            }
        }

        return differences;
    }
}
