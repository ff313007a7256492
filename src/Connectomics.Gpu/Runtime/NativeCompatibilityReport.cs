namespace Connectomics.Gpu.Runtime;

/// <summary>What a native library needs from the host that the host lacks.</summary>
/// <param name="Library">The library examined.</param>
/// <param name="Missing">The symbol versions the host does not define (weak needs excluded).</param>
internal sealed record NativeCompatibilityReport(ElfImage Library, IReadOnlyList<MissingSymbolVersion> Missing)
{
    /// <summary>Gets a value indicating whether the library loads on this host as it is.</summary>
    public bool IsCompatible => Missing.Count == 0;

    /// <summary>Gets a value indicating whether marking the missing needs weak makes the library load safely.</summary>
    public bool CanBePatched => Missing.Count > 0 && Missing.All(m => m.CanBeWeakened);

    /// <summary>Examines a library against the providers the host would bind its dependencies to.</summary>
    /// <param name="library">The library.</param>
    /// <param name="resolveProvider">Returns the host image that provides a needed file, or <see langword="null"/>
    /// when the file is not a host library (it ships beside the library, or cannot be found).</param>
    /// <returns>The report.</returns>
    public static NativeCompatibilityReport Analyze(ElfImage library, Func<string, ElfImage?> resolveProvider)
    {
        var missing = new List<MissingSymbolVersion>();
        foreach (var group in library.VersionNeeds.Where(n => !n.IsWeak).GroupBy(n => n.File, StringComparer.Ordinal))
        {
            var provider = resolveProvider(group.Key);
            if (provider is null)
            {
                continue;
            }

            foreach (var need in group)
            {
                if (!provider.VersionDefinitions.Contains(need.Version))
                {
                    missing.Add(new MissingSymbolVersion(need, provider.Path, library.RelocatedSymbolsOfVersion(need.Index)));
                }
            }
        }

        return new NativeCompatibilityReport(library, missing);
    }
}
