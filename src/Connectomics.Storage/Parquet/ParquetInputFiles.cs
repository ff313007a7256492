using Connectomics.Storage.Inputs;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// Turns input entries (files, directories, globs) into the ordered list of Parquet files to read, the way
/// <see cref="ParquetSequenceSource"/> resolves its inputs.
/// </summary>
/// <remarks>
/// An entry is a file (taken as it is, whatever its extension), a directory (every <c>*.parquet</c> file below it,
/// recursively), or a glob: <c>*</c> and <c>?</c> match within one path segment and <c>**</c> matches any number of
/// segments, as in <c>data/**/part-*.parquet</c>. The result is the distinct full paths in ordinal order, so the
/// same inputs always give the same order.
/// </remarks>
public static class ParquetInputFiles
{
    /// <summary>Resolves every entry and returns the distinct full paths in ordinal order.</summary>
    /// <param name="inputs">Files, directories and globs.</param>
    /// <returns>The full paths of the files, in ordinal order.</returns>
    /// <exception cref="ParquetInputException">An entry names nothing that exists, or matches no file
    /// (<see cref="ParquetInputError.FileNotFound"/>; the exception names the entry).</exception>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> inputs) =>
        InputFiles.Resolve(inputs, [ParquetSequenceDefaults.FileExtension], (input, problem) => new ParquetInputException(ParquetInputError.FileNotFound, problem, input));
}
