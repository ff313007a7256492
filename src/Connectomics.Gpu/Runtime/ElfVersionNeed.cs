namespace Connectomics.Gpu.Runtime;

/// <summary>One symbol version an ELF object needs from one of its dependencies (a <c>Vernaux</c> entry).</summary>
/// <param name="File">The needed file (e.g. <c>libstdc++.so.6</c>).</param>
/// <param name="Version">The version name (e.g. <c>GLIBCXX_3.4.32</c>).</param>
/// <param name="Flags">The entry's flags; <see cref="ElfImage.VersionFlagWeak"/> marks a weak need.</param>
/// <param name="Index">The version index symbols refer to through the version-symbol table.</param>
/// <param name="FlagsOffset">The file offset of the entry's 16-bit flags field.</param>
internal sealed record ElfVersionNeed(string File, string Version, ushort Flags, ushort Index, long FlagsOffset)
{
    /// <summary>Gets a value indicating whether a missing version is tolerated by the loader.</summary>
    public bool IsWeak => (Flags & ElfImage.VersionFlagWeak) != 0;
}
