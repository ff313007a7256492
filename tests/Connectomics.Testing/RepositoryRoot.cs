namespace Connectomics.Testing;

/// <summary>Finds the repository from a test's output folder (source paths are mapped away in CI builds).</summary>
public static class RepositoryRoot
{
    /// <summary>Gets the folder that holds <c>Connectomics.slnx</c>, above the running test assembly.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Connectomics.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Connectomics.slnx not found above the test assembly.");
    }
}
