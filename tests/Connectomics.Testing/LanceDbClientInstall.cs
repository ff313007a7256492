namespace Connectomics.Testing;

/// <summary>
/// Installs the official LanceDB Node client with npm, once, into a per-user cache folder
/// (<c>~/.cache/connectomics/npm/lancedb-&lt;version&gt;</c>, or <c>CONNECTOMICS_NPM_CACHE</c>), and runs processes.
/// Shared by the interop tests and the benchmarks. A missing node or npm fails with a message that says what to install.
/// </summary>
public static class LanceDbClientInstall
{
    public const string LanceDbVersion = "0.37.1";
    public const string ApacheArrowVersion = "18.1.0";

    private static readonly NpmPackageCache Cache = new(
        $"lancedb-{LanceDbVersion}",
        "connectomics-lance-interop",
        $"The Lance interop tests and the search side-by-side benchmark need Node.js 18+ with npm (they install @lancedb/lancedb {LanceDbVersion} themselves).",
        ("@lancedb/lancedb", LanceDbVersion),
        ("apache-arrow", ApacheArrowVersion));

    public static string CacheDirectory => Cache.CacheDirectory;

    /// <summary>Installs the client when the cache lacks it; returns its <c>node_modules</c> folder.</summary>
    public static Task<string> EnsureInstalledAsync() => Cache.EnsureInstalledAsync();

    /// <summary>Runs a program to its end and returns its exit code and output.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> ExecAsync(string program, IReadOnlyList<string> args, string workingDirectory, params (string Name, string Value)[] environment) =>
        Cache.ExecAsync(program, args, workingDirectory, environment);
}
