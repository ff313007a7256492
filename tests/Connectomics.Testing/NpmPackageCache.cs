using System.Diagnostics;
using System.Text;

namespace Connectomics.Testing;

/// <summary>
/// A set of npm packages installed once, with exact versions, into a per-user cache folder
/// (<c>~/.cache/connectomics/npm/&lt;folder&gt;</c>, or under <c>CONNECTOMICS_NPM_CACHE</c>). An <c>installed.json</c>
/// marker records the installed set; a lock file keeps concurrent test processes from installing at once. A missing
/// program (node, npm) fails with <see cref="MissingProgramHint"/>.
/// </summary>
public sealed class NpmPackageCache
{
    private readonly SemaphoreSlim _installLock = new(1, 1);
    private readonly string _folder;
    private readonly string _projectName;
    private readonly IReadOnlyList<(string Name, string Version)> _packages;
    private string? _moduleDirectory;

    /// <summary>Describes a package set; nothing is installed until <see cref="EnsureInstalledAsync"/>.</summary>
    /// <param name="folder">The cache subfolder, e.g. <c>zarrita-0.7.5</c>.</param>
    /// <param name="projectName">The <c>name</c> of the <c>package.json</c> written into the folder.</param>
    /// <param name="missingProgramHint">What to install, said after "'program' was not found on PATH.".</param>
    /// <param name="packages">The packages and their exact versions; the first is the one named in errors.</param>
    public NpmPackageCache(string folder, string projectName, string missingProgramHint, params (string Name, string Version)[] packages)
    {
        _folder = folder;
        _projectName = projectName;
        MissingProgramHint = missingProgramHint;
        _packages = packages;
    }

    /// <summary>Gets what a missing program's error says to install.</summary>
    public string MissingProgramHint { get; }

    /// <summary>Gets the cache folder of this package set.</summary>
    public string CacheDirectory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("CONNECTOMICS_NPM_CACHE");
            if (string.IsNullOrEmpty(root))
            {
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "connectomics", "npm");
            }

            return Path.Combine(root, _folder);
        }
    }

    /// <summary>Installs the packages when the cache lacks them; returns the <c>node_modules</c> folder.</summary>
    public async Task<string> EnsureInstalledAsync()
    {
        if (_moduleDirectory is not null)
        {
            return _moduleDirectory;
        }

        await _installLock.WaitAsync();
        try
        {
            if (_moduleDirectory is not null)
            {
                return _moduleDirectory;
            }

            var cache = CacheDirectory;
            var marker = Path.Combine(cache, "installed.json");
            var expected = "{" + string.Join(',', _packages.Select(p => $"\"{p.Name}\":\"{p.Version}\"")) + "}";
            if (!File.Exists(marker) || await File.ReadAllTextAsync(marker) != expected)
            {
                Directory.CreateDirectory(cache);
                await using (await AcquireFileLockAsync(Path.Combine(cache, ".install.lock")))
                {
                    if (!File.Exists(marker) || await File.ReadAllTextAsync(marker) != expected)
                    {
                        await File.WriteAllTextAsync(Path.Combine(cache, "package.json"), $"{{\"name\":\"{_projectName}\",\"private\":true}}");
                        var (code, stdout, stderr) = await ExecAsync(
                            "npm",
                            ["install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact", .. _packages.Select(p => $"{p.Name}@{p.Version}")],
                            cache);
                        if (code != 0)
                        {
                            throw new InvalidOperationException($"npm install of {_packages[0].Name} {_packages[0].Version} into {cache} failed ({code}): {stderr}\n{stdout}");
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
            _installLock.Release();
        }
    }

    /// <summary>Runs a program to its end and returns its exit code and output; a program not on PATH fails with
    /// <see cref="MissingProgramHint"/>.</summary>
    public async Task<(int Code, string Stdout, string Stderr)> ExecAsync(string program, IReadOnlyList<string> args, string workingDirectory, params (string Name, string Value)[] environment)
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
            throw new InvalidOperationException($"'{program}' was not found on PATH. {MissingProgramHint}", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout, await stderr);
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
