namespace Connectomics.CrashTests;

/// <summary>Compares what a crashed and resumed run left with what an uninterrupted run left.</summary>
internal static class SnapshotAssert
{
    /// <summary>
    /// Asserts the same rows (every id once, the same ids, per id the same column values and bit-identical vectors),
    /// the same quarantine files with the same rows and nothing else under the quarantine, and no data file that no
    /// version refers to.
    /// </summary>
    public static void SameAsReference(TableSnapshot reference, TableSnapshot actual, string context)
    {
        var repeated = actual.Ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{g.Key} x{g.Count()}").Take(5).ToList();
        Assert.True(repeated.Count == 0, $"{context}: ids written more than once: {string.Join(", ", repeated)}");
        Assert.True(reference.Ids.Count == actual.Ids.Count, $"{context}: {actual.Ids.Count} rows, the uninterrupted run wrote {reference.Ids.Count}");
        var missing = reference.Rows.Keys.Where(id => !actual.Rows.ContainsKey(id)).Take(5).ToList();
        Assert.True(missing.Count == 0, $"{context}: ids missing: {string.Join(", ", missing)}");
        foreach (var (id, want) in reference.Rows)
        {
            var got = actual.Rows[id];
            Assert.True(want.Values.SequenceEqual(got.Values), $"{context}: row '{id}' has columns {Describe(got.Values)}, the uninterrupted run {Describe(want.Values)}");
            Assert.True(want.VectorBits.AsSpan().SequenceEqual(got.VectorBits), $"{context}: the vector of row '{id}' differs from the uninterrupted run's");
        }

        Assert.True(reference.Quarantine.Keys.SequenceEqual(actual.Quarantine.Keys, StringComparer.Ordinal),
            $"{context}: quarantine files [{string.Join(", ", actual.Quarantine.Keys)}], the uninterrupted run's [{string.Join(", ", reference.Quarantine.Keys)}]");
        foreach (var (file, rows) in reference.Quarantine)
        {
            Assert.True(rows.SequenceEqual(actual.Quarantine[file], StringComparer.Ordinal),
                $"{context}: quarantine file {file} holds [{string.Join("; ", actual.Quarantine[file])}], the uninterrupted run's [{string.Join("; ", rows)}]");
        }

        Assert.True(actual.UnreferencedDataFiles.Count == 0, $"{context}: data files no version refers to: {string.Join(", ", actual.UnreferencedDataFiles)}");
    }

    private static string Describe(SortedDictionary<string, string> values) => string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
}
