using System.Diagnostics;
using System.Text;

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

            return Path.Combine(root, $"lancedb-{LanceDbVersion}");
        }
    }

    /// <summary>Installs the client when the cache lacks it; returns its <c>node_modules</c> folder.</summary>
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
            var modules = Path.Combine(cache, "node_modules");
            var marker = Path.Combine(cache, "installed.json");
            var expected = $"{{\"@lancedb/lancedb\":\"{LanceDbVersion}\",\"apache-arrow\":\"{ApacheArrowVersion}\"}}";
            if (!File.Exists(marker) || await File.ReadAllTextAsync(marker) != expected)
            {
                Directory.CreateDirectory(cache);
                await using (await AcquireFileLockAsync(Path.Combine(cache, ".install.lock")))
                {
                    if (!File.Exists(marker) || await File.ReadAllTextAsync(marker) != expected)
                    {
                        await File.WriteAllTextAsync(Path.Combine(cache, "package.json"), "{\"name\":\"connectomics-lance-interop\",\"private\":true}");
                        var (code, stdout, stderr) = await ExecAsync(
                            "npm",
                            ["install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact", $"@lancedb/lancedb@{LanceDbVersion}", $"apache-arrow@{ApacheArrowVersion}"],
                            cache);
                        if (code != 0)
                        {
                            throw new InvalidOperationException($"npm install of @lancedb/lancedb {LanceDbVersion} into {cache} failed ({code}): {stderr}\n{stdout}");
                        }

                        await File.WriteAllTextAsync(marker, expected);
                    }
                }
            }

            _moduleDirectory = modules;
            return modules;
        }
        finally
        {
            InstallLock.Release();
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

    /// <summary>Runs a program to its end and returns its exit code and output.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> ExecAsync(string program, IReadOnlyList<string> args, string workingDirectory, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{program}'.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{program}' was not found on PATH. The Lance interop tests and the search side-by-side benchmark need Node.js 18+ with npm (they install @lancedb/lancedb {LanceDbVersion} themselves).",
                e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
