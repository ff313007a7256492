namespace Connectomics.Storage.Tests.Durability;

/// <summary>A fact that needs <c>strace</c> on Linux; skipped, saying why, where it is not installed.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class StraceFactAttribute : FactAttribute
{
    public StraceFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Tracing system calls with strace needs Linux.";
        }
        else if (StracePath is null)
        {
            Skip = "strace is not installed (apt-get install strace); .ci/run installs it.";
        }
    }

    /// <summary>Gets the full path of <c>strace</c> on the PATH, or null.</summary>
    public static string? StracePath { get; } = Find();

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "strace"))
            .FirstOrDefault(File.Exists);
}
