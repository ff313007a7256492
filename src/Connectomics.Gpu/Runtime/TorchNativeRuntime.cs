using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Connectomics.Durability;
using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// Makes TorchSharp's native library loadable on hosts whose C++ runtime is older than the one it was built
/// against, without touching the shipped files or hosts that need nothing.
/// </summary>
/// <remarks>
/// <para>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> declares that it needs <c>GLIBCXX_3.4.32</c> from libstdc++, a
/// version Debian 12 (GCC 12) lacks, so the dynamic loader refuses it. The only symbol of that version,
/// <c>std::ios_base_library_init</c>, is a marker that no relocation binds. <see cref="Load"/> reads the
/// library's version needs and the host libstdc++'s version definitions; when versions are missing and none of
/// their symbols is bound by a relocation, it writes a copy whose need entries carry the ELF weak flag (the loader
/// then only warns), loads the shipped siblings it depends on, then that copy before TorchSharp looks for
/// its library. TorchSharp's own search then finds the already-loaded library by its soname. When a missing version
/// is actually used, it throws a <see cref="TorchRuntimeException"/> naming the versions and symbols instead.
/// </para>
/// <para>
/// The copy lives under <see cref="TorchRuntimeOptions.NativeCacheDirectory"/> (by default
/// <see cref="DefaultCacheRoot"/>), in a folder named after the shipped file's hash. <see cref="TorchRuntime"/> calls
/// it once, before the first TorchSharp call; every entry point of this package goes through it.
/// </para>
/// </remarks>
internal static class TorchNativeRuntime
{
    /// <summary>The file name of TorchSharp's native library on Linux.</summary>
    public const string LibraryFileName = "libLibTorchSharp.so";

    /// <summary>The environment variable that chooses the cache folder when the options leave it unset.</summary>
    public const string CacheVariable = "CONNECTOMICS_NATIVE_CACHE";

    private const string LibtorchCpuFileName = "libtorch_cpu.so";

    /// <summary>Prepares and loads TorchSharp's native library for this host (see the remarks).</summary>
    /// <param name="cacheRoot">Where a weakened copy is written.</param>
    /// <param name="allowWeakenedCopy">Whether a weakened copy may be written and loaded.</param>
    /// <returns>What was done, and the <c>libtorch_cpu.so</c> the process uses (<see langword="null"/> when there is
    /// none to find).</returns>
    /// <exception cref="TorchRuntimeException">The host lacks symbol versions the library really uses, the weakened
    /// copy is needed but refused, or it cannot be written or loaded.</exception>
    public static (TorchNativeRuntimeStatus Status, string? LibtorchCpu) Load(string cacheRoot, bool allowWeakenedCopy)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (new TorchNativeRuntimeStatus(TorchNativeLibraryMode.NotApplicable, null, null, []), null);
        }

        var shipped = FindShippedLibrary();
        if (shipped is null)
        {
            return (new TorchNativeRuntimeStatus(TorchNativeLibraryMode.NotApplicable, null, null, []), null);
        }

        var shippedDirectory = System.IO.Path.GetDirectoryName(shipped)!;
        var prepared = Prepare(shipped, file => ResolveHostProvider(file, shippedDirectory), cacheRoot, allowWeakenedCopy);
        return (prepared, FindLibtorchCpu(shippedDirectory));
    }

    /// <summary>
    /// Finds the <c>libtorch_cpu.so</c> the process uses: beside the shipped library when a TorchSharp native package
    /// brought it, else the one the loader binds by name (a libtorch provided on <c>LD_LIBRARY_PATH</c>).
    /// </summary>
    /// <param name="shippedDirectory">The folder of the shipped <c>libLibTorchSharp.so</c>.</param>
    /// <returns>The path, or <see langword="null"/> when there is none.</returns>
    internal static string? FindLibtorchCpu(string shippedDirectory)
    {
        var beside = System.IO.Path.Combine(shippedDirectory, LibtorchCpuFileName);
        return File.Exists(beside) ? beside : HostLibraryResolver.Resolve(LibtorchCpuFileName);
    }

    /// <summary>Examines the shipped library against the host and loads it, or a weakened copy of it.</summary>
    /// <param name="shipped">The shipped <c>libLibTorchSharp.so</c>.</param>
    /// <param name="resolveProvider">Maps a needed file to the host image that provides it.</param>
    /// <param name="cacheRoot">Where weakened copies are written.</param>
    /// <param name="allowWeakenedCopy">Whether a weakened copy may be written and loaded.</param>
    /// <returns>What was done.</returns>
    internal static TorchNativeRuntimeStatus Prepare(string shipped, Func<string, ElfImage?> resolveProvider, string cacheRoot, bool allowWeakenedCopy = true)
    {
        var library = ElfImage.Read(shipped);
        var shippedDirectory = System.IO.Path.GetDirectoryName(shipped)!;
        var report = NativeCompatibilityReport.Analyze(library, resolveProvider);
        if (report.IsCompatible)
        {
            return new TorchNativeRuntimeStatus(TorchNativeLibraryMode.Unchanged, shipped, shipped, []);
        }

        if (!report.CanBePatched)
        {
            throw new TorchRuntimeException(
                $"'{shipped}' needs symbol versions this host does not provide: {string.Join("; ", report.Missing)}. " +
                "Install a newer C++ runtime (libstdc++) or use a TorchSharp build made for this system.");
        }

        if (!allowWeakenedCopy)
        {
            throw new TorchRuntimeException(
                $"'{shipped}' needs symbol versions this host does not provide ({string.Join("; ", report.Missing)}); " +
                $"a copy with those needs marked weak would load, but {nameof(TorchRuntimeOptions)}.{nameof(TorchRuntimeOptions.AllowWeakenedNativeCopy)} is false. " +
                "Allow it, install a newer C++ runtime (libstdc++) or use a TorchSharp build made for this system.");
        }

        var copy = WriteWeakenedCopy(library, report, cacheRoot);

        // The shipped library finds its siblings (libtorch, libc10, ...) through $ORIGIN, which points elsewhere for
        // the copy: load them first from where they ship, so the copy's needs bind to them by soname.
        foreach (var needed in library.Needed)
        {
            var sibling = System.IO.Path.Combine(shippedDirectory, needed);
            if (File.Exists(sibling) && !NativeLibrary.TryLoad(sibling, out _))
            {
                throw new TorchRuntimeException($"Cannot load '{sibling}', which '{shipped}' depends on.");
            }
        }

        if (!NativeLibrary.TryLoad(copy, out _))
        {
            throw new TorchRuntimeException(
                $"The weakened copy '{copy}' of '{shipped}' could not be loaded; missing on this host: {string.Join("; ", report.Missing)}.");
        }

        return new TorchNativeRuntimeStatus(
            TorchNativeLibraryMode.WeakenedCopy,
            shipped,
            copy,
            report.Missing.Select(m => m.Need.Version).ToArray());
    }

    /// <summary>Writes the weakened copy (once per distinct shipped file).</summary>
    /// <param name="library">The shipped library.</param>
    /// <param name="report">Its compatibility report (patchable).</param>
    /// <param name="cacheRoot">The cache root folder.</param>
    /// <returns>The path of the copy.</returns>
    internal static string WriteWeakenedCopy(ElfImage library, NativeCompatibilityReport report, string cacheRoot)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(library.Bytes))[..16];
        var folder = System.IO.Path.Combine(cacheRoot, hash);
        var target = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(library.Path));
        try
        {
            var patched = library.WithWeakVersionNeeds(report.Missing.Select(m => m.Need));
            if (!File.Exists(target) || !File.ReadAllBytes(target).AsSpan().SequenceEqual(patched))
            {
                // Through the durable-file primitive like every file the library writes: a process that loads the copy
                // while another writes it sees the old file or the whole new one.
                AtomicFile.Write(target, stream => stream.Write(patched), OperatingSystemFileSystem.Instance);
            }
        }
        catch (IOException e)
        {
            throw new TorchRuntimeException($"Cannot write the weakened copy of '{library.Path}' to '{folder}': {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new TorchRuntimeException(
                $"Cannot write the weakened copy of '{library.Path}' to '{folder}': {e.Message}. Set {nameof(TorchRuntimeOptions)}.{nameof(TorchRuntimeOptions.NativeCacheDirectory)} (or {CacheVariable}) to a writable folder.", e);
        }

        return target;
    }

    /// <summary>Returns the folder under which weakened copies are kept when the options name none:
    /// <see cref="CacheVariable"/>, else <c>$XDG_CACHE_HOME/connectomics/native</c>, else
    /// <c>~/.cache/connectomics/native</c>.</summary>
    /// <returns>The folder.</returns>
    internal static string DefaultCacheRoot()
    {
        var explicitRoot = Environment.GetEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return explicitRoot;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg))
        {
            return System.IO.Path.Combine(xdg, "connectomics", "native");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home)
            ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "connectomics-native")
            : System.IO.Path.Combine(home, ".cache", "connectomics", "native");
    }

    /// <summary>Returns the host image that provides <paramref name="file"/>, unless it ships beside the library.</summary>
    /// <param name="file">A needed file name.</param>
    /// <param name="shippedDirectory">The folder of the shipped library.</param>
    /// <returns>The image, or <see langword="null"/>.</returns>
    internal static ElfImage? ResolveHostProvider(string file, string shippedDirectory)
    {
        // Libraries that ship beside TorchSharp's are part of the same build: only host libraries can fall short.
        if (File.Exists(System.IO.Path.Combine(shippedDirectory, file)))
        {
            return null;
        }

        var path = HostLibraryResolver.Resolve(file);
        return path is null || !File.Exists(path) ? null : ElfImage.Read(path);
    }

    /// <summary>Finds the <c>libLibTorchSharp.so</c> the runtime's native search would use.</summary>
    /// <returns>Its path, or <see langword="null"/>.</returns>
    internal static string? FindShippedLibrary()
    {
        var directories = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
        {
            directories.AddRange(searchDirectories.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        directories.Add(AppContext.BaseDirectory);
        var torchDirectory = System.IO.Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchDirectory))
        {
            directories.Add(torchDirectory);
            directories.Add(System.IO.Path.Combine(torchDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"));
            var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            directories.Add(System.IO.Path.Combine(torchDirectory, "runtimes", $"linux-{arch}", "native"));
        }

        return directories
            .Select(d => System.IO.Path.Combine(d, LibraryFileName))
            .FirstOrDefault(File.Exists);
    }
}
