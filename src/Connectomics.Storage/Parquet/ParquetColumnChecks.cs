using System.ComponentModel.DataAnnotations;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// The checks the Parquet sources' options make on their column choice: an id column that is not the sequence
/// column, and a list of further columns without empty or repeated entries, without the id or sequence column, and
/// not combined with "every other column".
/// </summary>
internal static class ParquetColumnChecks
{
    /// <summary>Checks a column choice.</summary>
    /// <param name="idColumn">The id column.</param>
    /// <param name="sequenceColumn">The sequence column.</param>
    /// <param name="columns">The further columns; <see langword="null"/> is left to the <see cref="RequiredAttribute"/>.</param>
    /// <param name="columnsName">The name of the property that holds <paramref name="columns"/>, for the messages.</param>
    /// <param name="allOthers">Whether every other column is chosen.</param>
    /// <param name="allOthersName">The name of the property that holds <paramref name="allOthers"/>, for the messages.</param>
    /// <returns>One result for each problem, none when the choice is fine.</returns>
    public static IEnumerable<ValidationResult> Check(
        string? idColumn, string? sequenceColumn, IList<string>? columns, string columnsName, bool allOthers, string allOthersName)
    {
        if (!string.IsNullOrWhiteSpace(idColumn) && string.Equals(idColumn, sequenceColumn, StringComparison.Ordinal))
        {
            yield return new ValidationResult($"IdColumn and SequenceColumn are both '{idColumn}'.");
        }

        if (columns is null)
        {
            yield break;
        }

        if (columns.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult($"{columnsName} has an empty entry.");
        }

        var duplicates = columns.Where(c => c is not null).GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            yield return new ValidationResult($"{columnsName} lists {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once.");
        }

        var mapped = columns.Where(c => string.Equals(c, idColumn, StringComparison.Ordinal) || string.Equals(c, sequenceColumn, StringComparison.Ordinal)).ToList();
        if (mapped.Count > 0)
        {
            yield return new ValidationResult($"{columnsName} lists the id or sequence column ({string.Join(", ", mapped.Select(d => $"'{d}'"))}).");
        }

        if (allOthers && columns.Count > 0)
        {
            yield return new ValidationResult($"{allOthersName} cannot be combined with a {columnsName} list.");
        }
    }
}
