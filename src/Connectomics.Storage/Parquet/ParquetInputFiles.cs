using System.Text;
using System.Text.RegularExpressions;

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
    private static readonly char[] Wildcards = ['*', '?'];

    /// <summary>Resolves every entry and returns the distinct full paths in ordinal order.</summary>
    /// <param name="inputs">Files, directories and globs.</param>
    /// <returns>The full paths of the files, in ordinal order.</returns>
    /// <exception cref="ParquetInputException">An entry names nothing that exists, or matches no file
    /// (<see cref="ParquetInputError.FileNotFound"/>; the exception names the entry).</exception>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (input.IndexOfAny(Wildcards) >= 0)
            {
                var matches = Glob(input);
                if (matches.Count == 0)
                {
                    throw new ParquetInputException(ParquetInputError.FileNotFound, "the pattern matches no file.", input);
                }

                files.UnionWith(matches);
            }
            else if (Directory.Exists(input))
            {
                var matches = Directory.EnumerateFiles(Path.GetFullPath(input), "*" + ParquetSequenceDefaults.FileExtension, Enumeration(recurse: true)).ToList();
                if (matches.Count == 0)
                {
                    throw new ParquetInputException(ParquetInputError.FileNotFound, $"the directory holds no *{ParquetSequenceDefaults.FileExtension} file.", input);
                }

                files.UnionWith(matches);
            }
            else if (File.Exists(input))
            {
                files.Add(Path.GetFullPath(input));
            }
            else
            {
                throw new ParquetInputException(ParquetInputError.FileNotFound, "the file does not exist.", input);
            }
        }

        var ordered = files.ToList();
        ordered.Sort(StringComparer.Ordinal);
        return ordered;
    }

    /// <summary>Finds the files that a glob matches, as full paths.</summary>
    internal static List<string> Glob(string pattern)
    {
        var normalized = pattern.Replace('\\', '/');
        var root = Path.GetPathRoot(normalized) ?? string.Empty;
        var segments = normalized[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var literal = segments.TakeWhile(s => s.IndexOfAny(Wildcards) < 0).ToList();
        var wild = segments.Skip(literal.Count).ToList();
        var baseDirectory = Path.GetFullPath(Path.Combine(root.Length > 0 ? root : ".", Path.Combine([.. literal])));
        if (wild.Count == 0 || !Directory.Exists(baseDirectory))
        {
            return [];
        }

        var recurse = wild.Count > 1 || wild[0] == "**";
        var regex = ToRegex(wild);
        var matches = new List<string>();
        foreach (var file in Directory.EnumerateFiles(baseDirectory, "*", Enumeration(recurse)))
        {
            var relative = Path.GetRelativePath(baseDirectory, file).Replace('\\', '/');
            if (regex.IsMatch(relative))
            {
                matches.Add(file);
            }
        }

        return matches;
    }

    private static Regex ToRegex(List<string> segments)
    {
        var builder = new StringBuilder("^");
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            if (segments[i] == "**")
            {
                builder.Append(last ? "(?:[^/]+/)*[^/]+" : "(?:[^/]+/)*");
                continue;
            }

            foreach (var c in segments[i])
            {
                builder.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }

            if (!last)
            {
                builder.Append('/');
            }
        }

        builder.Append('$');
        return new Regex(builder.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    private static EnumerationOptions Enumeration(bool recurse) => new()
    {
        RecurseSubdirectories = recurse,
        IgnoreInaccessible = false,
        MatchType = MatchType.Simple,
    };
}
