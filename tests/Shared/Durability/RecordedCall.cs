namespace Connectomics.Durability.Testing;

/// <summary>One call made through a <see cref="RecordingFileSystem"/>.</summary>
/// <param name="Call">The call.</param>
/// <param name="Path">The file or directory; the source of a rename.</param>
/// <param name="Destination">The new name of a rename; null otherwise.</param>
/// <param name="Succeeded">False when the call failed or a rename without replacing found the name taken.</param>
internal sealed record RecordedCall(FileSystemCall Call, string Path, string? Destination, bool Succeeded)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Call} {Path}{(Destination is null ? string.Empty : " -> " + Destination)}{(Succeeded ? string.Empty : " (failed)")}";
}
