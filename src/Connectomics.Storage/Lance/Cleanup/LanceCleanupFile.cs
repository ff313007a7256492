namespace Connectomics.Storage.Lance;

/// <summary>One file a cleanup removed (or, in a dry run, would remove).</summary>
/// <param name="RelativePath">The path relative to the table directory, with <c>/</c> separators (<c>data/0101….lance</c>).</param>
/// <param name="Kind">What the file is.</param>
/// <param name="Bytes">Its size in bytes.</param>
public sealed record LanceCleanupFile(string RelativePath, LanceCleanupFileKind Kind, long Bytes);
