namespace Connectomics.Gpu.Runtime;

/// <summary>A symbol version a native library needs that the host's provider of that file does not define.</summary>
/// <param name="Need">The version-need entry.</param>
/// <param name="ProviderPath">The host file that would satisfy the need (e.g. the system libstdc++).</param>
/// <param name="RelocatedSymbols">Symbols of that version that a relocation binds; empty when the need is only
/// a marker, so that marking it weak cannot leave a call unresolved.</param>
internal sealed record MissingSymbolVersion(ElfVersionNeed Need, string ProviderPath, IReadOnlyList<string> RelocatedSymbols)
{
    /// <summary>Gets a value indicating whether the need can be marked weak without changing what gets bound.</summary>
    public bool CanBeWeakened => RelocatedSymbols.Count == 0;

    /// <inheritdoc />
    public override string ToString() => CanBeWeakened
        ? $"{Need.Version} from {Need.File} (host: {ProviderPath}; no relocation uses it)"
        : $"{Need.Version} from {Need.File} (host: {ProviderPath}; used by {string.Join(", ", RelocatedSymbols.Take(5))})";
}
