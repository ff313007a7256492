namespace Connectomics.Testing;

/// <summary>
/// Installs <c>@fideus-labs/ngff-zarr</c> (a TypeScript OME-Zarr implementation over zarrita) with npm, once, into a
/// per-user cache folder (<c>~/.cache/connectomics/npm/ngff-zarr-&lt;version&gt;</c>, or under
/// <c>CONNECTOMICS_NPM_CACHE</c>), and runs Node scripts against it. A missing node or npm fails with a message that
/// says what to install.
/// </summary>
public static class NgffZarrInstall
{
    public const string NgffZarrVersion = "0.14.0";

    private static readonly NpmPackageCache Cache = new(
        $"ngff-zarr-{NgffZarrVersion}",
        "connectomics-ome-zarr-interop",
        $"The OME-Zarr interop tests need Node.js 18+ with npm (they install @fideus-labs/ngff-zarr {NgffZarrVersion} themselves).",
        ("@fideus-labs/ngff-zarr", NgffZarrVersion));

    public static string CacheDirectory => Cache.CacheDirectory;

    /// <summary>Installs ngff-zarr when the cache lacks it; returns its <c>node_modules</c> folder.</summary>
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
