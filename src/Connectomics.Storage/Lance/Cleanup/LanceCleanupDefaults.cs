namespace Connectomics.Storage.Lance;

/// <summary>The defaults of <see cref="LanceCleanupOptions"/>.</summary>
internal static class LanceCleanupDefaults
{
    /// <summary>The age below which nothing is removed: 7 days, as LanceDB's cleanup of old versions.</summary>
    public static readonly TimeSpan OlderThan = TimeSpan.FromDays(7);
}
