using System.Text;
using System.Text.RegularExpressions;

namespace Connectomics.Storage.Inputs;

/// <summary>
/// Turns input entries (files, directories, globs) into the ordered list of files to read, for every input format:
/// a file is taken as it is, a directory gives every file below it (recursively) whose name ends in one of the
/// format's extensions, and a glob gives the files it matches (<c>*</c> and <c>?</c> within one path segment,
/// <c>**</c> across segments). Directories and globs skip hidden files and directories.
/// </summary>
internal static class InputFiles
{
    private static readonly char[] Wildcards = ['*', '?'];

    /// <summary>Resolves every entry and returns the distinct full paths in ordinal order.</summary>
    /// <param name="inputs">Files, directories and globs.</param>
    /// <param name="directoryExtensions">The name endings (<c>.parquet</c>, <c>.fa.gz</c>) of the files a directory contributes, compared ignoring case.</param>
    /// <param name="notFound">Makes the exception for an entry that names nothing (the entry, then what is wrong).</param>
    /// <returns>The full paths of the files, in ordinal order.</returns>
    public static IReadOnlyList<string> Resolve(IEnumerable<string> inputs, IReadOnlyList<string> directoryExtensions, Func<string, string, Exception> notFound)
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
                    throw notFound(input, "the pattern matches no file.");
                }

                files.UnionWith(matches);
            }
            else if (Directory.Exists(input))
            {
                var matches = Directory.EnumerateFiles(Path.GetFullPath(input), "*", Enumeration(recurse: true))
                    .Where(f => directoryExtensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                    .ToList();
                if (matches.Count == 0)
                {
                    var kinds = string.Join(", ", directoryExtensions.Select(e => "*" + e));
                    throw notFound(input, $"the directory holds no {kinds} file.");
                }

                files.UnionWith(matches);
            }
            else if (File.Exists(input))
            {
                files.Add(Path.GetFullPath(input));
            }
            else
            {
                throw notFound(input, "the file does not exist.");
            }
        }

        var ordered = files.ToList();
        ordered.Sort(StringComparer.Ordinal);
        return ordered;
    }

    /// <summary>Finds the files that a glob matches, as full paths.</summary>
    /// <param name="pattern">The glob.</param>
    /// <returns>The matches, in enumeration order.</returns>
    public static List<string> Glob(string pattern)
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
