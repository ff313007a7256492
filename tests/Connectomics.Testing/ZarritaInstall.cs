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

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static string? _moduleDirectory;

    public static string CacheDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("CONNECTOMICS_NPM_CACHE");
            if (string.IsNullOrEmpty(root))
            {
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "connectomics", "npm");
            }

            return Path.Combine(root, $"zarrita-{ZarritaVersion}");
        }
    }

    /// <summary>Installs zarrita when the cache lacks it; returns its <c>node_modules</c> folder.</summary>
    public static async Task<string> EnsureInstalledAsync()
    {
        if (_moduleDirectory is not null)
        {
            return _moduleDirectory;
        }

        await InstallLock.WaitAsync();
        try
        {
            if (_moduleDirectory is not null)
            {
                return _moduleDirectory;
            }

            var cache = CacheDirectory;
            var marker = Path.Combine(cache, "installed.json");
            var expected = $"{{\"zarrita\":\"{ZarritaVersion}\",\"numcodecs\":\"{NumcodecsVersion}\"}}";
            if (!File.Exists(marker) || await File.ReadAllTextAsync(marker) != expected)
            {
                Directory.CreateDirectory(cache);
                await using (await AcquireFileLockAsync(Path.Combine(cache, ".install.lock")))
                {
                    if (!File.Exists(marker) || await File.ReadAllTextAsync(marker) != expected)
                    {
                        await File.WriteAllTextAsync(Path.Combine(cache, "package.json"), "{\"name\":\"connectomics-zarr-interop\",\"private\":true}");
                        var (code, stdout, stderr) = await RunAsync(
                            "npm",
                            ["install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact", $"zarrita@{ZarritaVersion}", $"numcodecs@{NumcodecsVersion}"],
                            cache);
                        if (code != 0)
                        {
                            throw new InvalidOperationException($"npm install of zarrita {ZarritaVersion} into {cache} failed ({code}): {stderr}\n{stdout}");
                        }

                        await File.WriteAllTextAsync(marker, expected);
                    }
                }
            }

            _moduleDirectory = Path.Combine(cache, "node_modules");
            return _moduleDirectory;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Runs a Node script with the <c>node_modules</c> folder as its first argument; fails on a non-zero exit.</summary>
    public static async Task<string> RunNodeScriptAsync(string script, params string[] args)
    {
        var modules = await EnsureInstalledAsync();
        var (code, stdout, stderr) = await RunAsync("node", [script, modules, .. args], Path.GetDirectoryName(script)!);
        if (code != 0)
        {
            throw new InvalidOperationException($"node {Path.GetFileName(script)} {string.Join(' ', args)} failed ({code}):\n{stderr}\n{stdout}");
        }

        return stdout;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string program, IReadOnlyList<string> args, string workingDirectory)
    {
        try
        {
            return await LanceDbClientInstall.ExecAsync(program, args, workingDirectory);
        }
        catch (InvalidOperationException e) when (e.InnerException is System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException(
                $"'{program}' was not found on PATH. The Zarr v3 interop tests need Node.js 18+ with npm (they install zarrita {ZarritaVersion} themselves).",
                e);
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(500);
            }
        }
    }
}
