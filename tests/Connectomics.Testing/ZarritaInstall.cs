namespace Connectomics.Testing;

/// <summary>
/// Installs zarrita (the JavaScript Zarr implementation, with numcodecs' C-Blosc and zstd in WebAssembly) with npm,
/// once, into a per-user cache folder (<c>~/.cache/connectomics/npm/zarrita-&lt;version&gt;</c>, or under
/// <c>CONNECTOMICS_NPM_CACHE</c>), and runs Node scripts against it. A missing node or npm fails with a message that
/// says what to install.
/// </summary>
public static class ZarritaInstall
{
    public const string ZarritaVersion = "0.7.5";
    public const string NumcodecsVersion = "0.3.2";

    private static readonly NpmPackageCache Cache = new(
        $"zarrita-{ZarritaVersion}",
        "connectomics-zarr-interop",
        $"The Zarr v3 interop tests need Node.js 18+ with npm (they install zarrita {ZarritaVersion} themselves).",
        ("zarrita", ZarritaVersion),
        ("numcodecs", NumcodecsVersion));

    public static string CacheDirectory => Cache.CacheDirectory;

    /// <summary>Installs zarrita when the cache lacks it; returns its <c>node_modules</c> folder.</summary>
    public static Task<string> EnsureInstalledAsync() => Cache.EnsureInstalledAsync();

    /// <summary>Runs a Node script with the <c>node_modules</c> folder as its first argument; fails on a non-zero exit.</summary>
    public static async Task<string> RunNodeScriptAsync(string script, params string[] args)
    {
        var modules = await EnsureInstalledAsync();
        var (code, stdout, stderr) = await Cache.ExecAsync("node", [script, modules, .. args], Path.GetDirectoryName(script)!);
        if (code != 0)
        {
            throw new InvalidOperationException($"node {Path.GetFileName(script)} {string.Join(' ', args)} failed ({code}):\n{stderr}\n{stdout}");
        }

        return stdout;
    }
}
