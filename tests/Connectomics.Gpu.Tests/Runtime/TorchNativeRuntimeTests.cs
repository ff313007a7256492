using System.Text;
using Connectomics.Gpu.Runtime;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Runtime;

public sealed class TorchNativeRuntimeTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("connectomics-native-test-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static string Shipped => TorchNativeRuntime.FindShippedLibrary()
        ?? throw new InvalidOperationException("libLibTorchSharp.so is not beside the test assembly.");

    private static string HostLibStdCxx => HostLibraryResolver.Resolve("libstdc++.so.6")
        ?? throw new InvalidOperationException("No libstdc++.so.6 on this host.");

    /// <summary>A libstdc++ image whose version-definition name <paramref name="from"/> reads <paramref name="to"/>
    /// (same length), standing in for a host with a different C++ runtime.</summary>
    private static ElfImage HostLibStdCxxWithVersionRenamed(string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        var bytes = File.ReadAllBytes(HostLibStdCxx);
        var needle = Encoding.ASCII.GetBytes(from + "\0");
        var at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, $"{from} not found in {HostLibStdCxx}");
        Encoding.ASCII.GetBytes(to).CopyTo(bytes, at);
        return ElfImage.Parse("renamed-libstdc++.so.6", bytes);
    }

    [Fact]
    public void Shipped_library_needs_GLIBCXX_3_4_32_only_as_an_unrelocated_marker()
    {
        var library = ElfImage.Read(Shipped);
        Assert.Equal("libLibTorchSharp.so", library.SoName);
        Assert.Contains("libtorch.so", library.Needed);
        Assert.Contains("libstdc++.so.6", library.Needed);

        var need = Assert.Single(library.VersionNeeds, n => n.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Empty(library.RelocatedSymbolsOfVersion(need.Index));

        // A version the library really calls into is seen as such (std::string's C++11 ABI lives in 3.4.21).
        var used = Assert.Single(library.VersionNeeds, n => n.Version == "GLIBCXX_3.4.21");
        Assert.NotEmpty(library.RelocatedSymbolsOfVersion(used.Index));
    }

    [Fact]
    public void Host_libstdcxx_definitions_are_read_from_the_file_the_loader_binds()
    {
        var host = ElfImage.Read(HostLibStdCxx);
        Assert.Equal("libstdc++.so.6", host.SoName);
        Assert.Contains("GLIBCXX_3.4", host.VersionDefinitions);
        Assert.Contains("GLIBCXX_3.4.21", host.VersionDefinitions);
        Assert.Contains("CXXABI_1.3", host.VersionDefinitions);
    }

    [Fact]
    public void Host_that_defines_every_needed_version_is_left_untouched()
    {
        var newer = HostLibStdCxx30To32();
        var status = TorchNativeRuntime.Prepare(Shipped, file => file == "libstdc++.so.6" ? newer : null, _cache);

        Assert.Equal(TorchNativeLibraryMode.Unchanged, status.Mode);
        Assert.Equal(Shipped, status.LoadedLibraryPath);
        Assert.Empty(status.WeakenedVersions);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cache));
    }

    [Fact]
    public void Host_without_the_marker_version_gets_a_copy_that_differs_only_in_the_weak_flag()
    {
        var older = HostLibStdCxxWithout32();
        var library = ElfImage.Read(Shipped);
        var report = NativeCompatibilityReport.Analyze(library, file => file == "libstdc++.so.6" ? older : null);
        Assert.True(report.CanBePatched);
        var missing = Assert.Single(report.Missing);
        Assert.Equal("GLIBCXX_3.4.32", missing.Need.Version);

        var copyPath = TorchNativeRuntime.WriteWeakenedCopy(library, report, _cache);
        var original = File.ReadAllBytes(Shipped);
        var copy = File.ReadAllBytes(copyPath);
        Assert.Equal(original.Length, copy.Length);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != copy[i]).ToArray();
        Assert.Single(differing);
        Assert.Equal(missing.Need.FlagsOffset, differing[0]);

        var patched = ElfImage.Read(copyPath);
        Assert.True(Assert.Single(patched.VersionNeeds, n => n.Version == "GLIBCXX_3.4.32").IsWeak);
        Assert.All(patched.VersionNeeds.Where(n => n.Version != "GLIBCXX_3.4.32"), n => Assert.False(n.IsWeak));
        Assert.True(NativeCompatibilityReport.Analyze(patched, file => file == "libstdc++.so.6" ? older : null).IsCompatible);

        // Writing again is idempotent and leaves a single file in a folder named after the shipped file's hash.
        Assert.Equal(copyPath, TorchNativeRuntime.WriteWeakenedCopy(library, report, _cache));
        Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(copyPath)!));
    }

    [Fact]
    public void Host_missing_a_version_the_library_calls_into_is_refused_with_the_symbols_named()
    {
        var broken = HostLibStdCxxWithVersionRenamed("GLIBCXX_3.4.21", "GLIBCXX_3.4.2X");
        var error = Assert.Throws<TorchRuntimeException>(
            () => TorchNativeRuntime.Prepare(Shipped, file => file == "libstdc++.so.6" ? broken : null, _cache));
        Assert.Contains("GLIBCXX_3.4.21", error.Message, StringComparison.Ordinal);
        Assert.Contains("used by", error.Message, StringComparison.Ordinal);
        Assert.Contains(Shipped, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cache));
    }

    [Fact]
    public void Host_missing_marker_versions_gets_no_copy_when_the_copy_is_refused()
    {
        var older = HostLibStdCxxWithout32();
        var error = Assert.Throws<TorchRuntimeException>(
            () => TorchNativeRuntime.Prepare(Shipped, file => file == "libstdc++.so.6" ? older : null, _cache, allowWeakenedCopy: false));
        Assert.Contains("GLIBCXX_3.4.32", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowWeakenedNativeCopy is false", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cache));
    }

    [Fact]
    public void The_runtime_makes_TorchSharp_usable_and_reports_what_the_host_needed()
    {
        var runtime = TorchRuntime.EnsureApplied();
        var status = runtime.NativeLibrary;
        var hostHas32 = ElfImage.Read(HostLibStdCxx).VersionDefinitions.Contains("GLIBCXX_3.4.32");
        Assert.Equal(hostHas32 ? TorchNativeLibraryMode.Unchanged : TorchNativeLibraryMode.WeakenedCopy, status.Mode);
        Assert.Same(runtime, TorchRuntime.EnsureApplied());
        var setting = runtime[nameof(TorchRuntimeOptions.AllowWeakenedNativeCopy)];
        Assert.False(setting.ChangedProcessState);
        Assert.Contains(status.LoadedLibraryPath!, setting.Detail, StringComparison.Ordinal);
        if (status.Mode == TorchNativeLibraryMode.WeakenedCopy)
        {
            Assert.StartsWith(runtime[nameof(TorchRuntimeOptions.NativeCacheDirectory)].Value, status.LoadedLibraryPath, StringComparison.Ordinal);
        }

        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var product = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [Fact]
    public void Libtorch_found_beside_the_shipped_library_or_else_where_the_loader_binds_it()
    {
        TorchRuntime.EnsureApplied();
        var shippedDirectory = Path.GetDirectoryName(Shipped)!;
        var beside = Path.Combine(shippedDirectory, "libtorch_cpu.so");
        Assert.True(File.Exists(beside), "the test output carries TorchSharp-cpu's libtorch");
        Assert.Equal(beside, TorchNativeRuntime.FindLibtorchCpu(shippedDirectory));

        // A folder without libtorch stands for TorchSharp installed apart from a libtorch on LD_LIBRARY_PATH: the
        // answer is then the copy the loader binds, which in this process is the one already loaded.
        var elsewhere = TorchNativeRuntime.FindLibtorchCpu(_cache);
        Assert.NotNull(elsewhere);
        Assert.Equal(new FileInfo(beside).Length, new FileInfo(elsewhere).Length);
        Assert.Equal("libtorch_cpu.so", Path.GetFileName(elsewhere));
    }

    private static ElfImage HostLibStdCxxWithout32()
    {
        var host = ElfImage.Read(HostLibStdCxx);
        return host.VersionDefinitions.Contains("GLIBCXX_3.4.32")
            ? HostLibStdCxxWithVersionRenamed("GLIBCXX_3.4.32", "GLIBCXX_3.4.3X")
            : host;
    }

    /// <summary>The host libstdc++, or (when it lacks 3.4.32) one in which a version the library does not need
    /// is renamed to GLIBCXX_3.4.32: a stand-in for a host with a newer C++ runtime.</summary>
    private static ElfImage HostLibStdCxx30To32()
    {
        var host = ElfImage.Read(HostLibStdCxx);
        if (host.VersionDefinitions.Contains("GLIBCXX_3.4.32"))
        {
            return host;
        }

        var needed = ElfImage.Read(Shipped).VersionNeeds.Select(n => n.Version).ToHashSet();
        var spare = host.VersionDefinitions
            .Where(v => v.Length == "GLIBCXX_3.4.32".Length && v.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal) && !needed.Contains(v))
            .Order(StringComparer.Ordinal)
            .First();
        return HostLibStdCxxWithVersionRenamed(spare, "GLIBCXX_3.4.32");
    }
}
