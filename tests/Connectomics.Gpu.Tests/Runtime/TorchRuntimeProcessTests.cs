using System.Text.Json;
using Connectomics.Gpu.Runtime;

namespace Connectomics.Gpu.Tests.Runtime;

/// <summary>
/// What the TorchSharp runtime does to the process, observed in a process of its own (allocator parameters, the C
/// environment, libtorch's thread counts and MKL's dispatch are shared by everything in a process, this test process
/// included).
/// </summary>
public sealed class TorchRuntimeProcessTests
{
    [Fact]
    public async Task Building_and_running_embedders_with_the_defaults_changes_no_process_wide_state()
    {
        var report = await RuntimeProbeProcess.RunAsync("defaults");
        var before = report.GetProperty("before");
        var after = report.GetProperty("after");
        var state = report.GetProperty("state");
        Assert.False(before.GetProperty("runtimeApplied").GetBoolean());

        // glibc still maps a 40 MiB block afresh (no M_MMAP_MAX=0), and libtorch is not asked for huge pages.
        Assert.True(before.GetProperty("largeBlockIsMapped").GetBoolean());
        Assert.True(after.GetProperty("largeBlockIsMapped").GetBoolean(), "the embedder changed glibc's allocator parameters");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("hugePagesVariable").ValueKind);

        // libtorch's count is the default on the calling thread and on a thread new to libtorch, after CPU workers
        // with one thread each and one with more threads than the default have run; a later embedder plans as the
        // first one did.
        var threads = state.GetProperty("intraOpThreads").GetInt32();
        Assert.Equal(threads, after.GetProperty("callingThreadThreads").GetInt32());
        Assert.Equal(threads, after.GetProperty("freshThreadThreads").GetInt32());
        Assert.Equal(report.GetProperty("cpuWorkers").GetInt32(), report.GetProperty("cpuWorkersOfALaterEmbedder").GetInt32());

        // MKL still hears "not Intel" on a non-Intel processor: libtorch's slot was left alone.
        if (MklVendorDispatch.IsNonIntelX64)
        {
            Assert.Equal(0, after.GetProperty("mklVendorCheck").GetInt32());
        }

        Assert.Equal("FirstUse", state.GetProperty("application").GetString());
        Assert.False(state.GetProperty("changedProcessState").GetBoolean());
        Assert.All(state.GetProperty("settings").EnumerateArray(), s =>
        {
            Assert.False(s.GetProperty("changedProcessState").GetBoolean(), s.GetProperty("name").GetString());
            Assert.NotEqual("Configured", s.GetProperty("source").GetString());
        });
        Assert.Equal(
            ["AllowWeakenedNativeCopy", "NativeCacheDirectory", "TuneNativeHeap", "UseTransparentHugePages", "MklDispatch", "IntraOpThreads"],
            state.GetProperty("settings").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        // Other settings after the first use are refused by name, and change nothing; the same ones are a no-op.
        var error = report.GetProperty("otherSettingsError").GetString();
        Assert.NotNull(error);
        Assert.Contains("first use", error, StringComparison.Ordinal);
        Assert.Contains("TuneNativeHeap: false in force, true requested", error, StringComparison.Ordinal);
        Assert.True(report.GetProperty("afterRefusal").GetProperty("largeBlockIsMapped").GetBoolean());
        Assert.True(report.GetProperty("sameSettingsReturnTheState").GetBoolean());
    }

    [Fact]
    public async Task Configuring_the_fast_cpu_settings_applies_them_once_and_reports_each()
    {
        var report = await RuntimeProbeProcess.RunAsync("configured");
        var before = report.GetProperty("before");
        var after = report.GetProperty("after");
        var state = report.GetProperty("state");
        var settings = state.GetProperty("settings").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);

        Assert.True(before.GetProperty("largeBlockIsMapped").GetBoolean());
        Assert.False(after.GetProperty("largeBlockIsMapped").GetBoolean(), "a 40 MiB block still came from a fresh mapping");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("hugePagesVariable").ValueKind);
        Assert.Equal("1", after.GetProperty("hugePagesVariable").GetString());
        Assert.True(settings["TuneNativeHeap"].GetProperty("changedProcessState").GetBoolean());
        Assert.Equal("Configured", settings["TuneNativeHeap"].GetProperty("source").GetString());
        Assert.Contains("M_MMAP_MAX=0", settings["TuneNativeHeap"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(settings["UseTransparentHugePages"].GetProperty("changedProcessState").GetBoolean());

        // IntraOpThreads = 2 is the process's count, on the configuring thread and on threads new to libtorch,
        // whatever the embedders' workers set on their own threads.
        Assert.Equal(2, state.GetProperty("intraOpThreads").GetInt32());
        Assert.Equal(2, after.GetProperty("callingThreadThreads").GetInt32());
        Assert.Equal(2, after.GetProperty("freshThreadThreads").GetInt32());
        Assert.True(settings["IntraOpThreads"].GetProperty("changedProcessState").GetBoolean());
        Assert.Equal(report.GetProperty("cpuWorkers").GetInt32(), report.GetProperty("cpuWorkersOfALaterEmbedder").GetInt32());

        var mkl = settings["MklDispatch"];
        Assert.Equal("CpuFeatures", mkl.GetProperty("value").GetString());
        if (MklVendorDispatch.IsNonIntelX64)
        {
            Assert.Equal(1, after.GetProperty("mklVendorCheck").GetInt32());
            Assert.True(mkl.GetProperty("changedProcessState").GetBoolean());
            Assert.True(state.GetProperty("mklDispatchesOnCpuFeatures").GetBoolean());
        }
        else
        {
            Assert.False(mkl.GetProperty("changedProcessState").GetBoolean());
            Assert.StartsWith("not needed", mkl.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("Configure", state.GetProperty("application").GetString());
        Assert.True(state.GetProperty("changedProcessState").GetBoolean());
        Assert.True(report.GetProperty("sameSettingsAgainReturnsTheState").GetBoolean());
        Assert.True(report.GetProperty("sameStateAsConfigured").GetBoolean());
        Assert.True(report.GetProperty("sameSettingsReturnTheState").GetBoolean());

        // Taking a setting back is refused by name, and the process keeps what was applied.
        var error = report.GetProperty("otherSettingsError").GetString();
        Assert.NotNull(error);
        Assert.Contains("TuneNativeHeap: true in force, false requested", error, StringComparison.Ordinal);
        Assert.False(report.GetProperty("afterRefusal").GetProperty("largeBlockIsMapped").GetBoolean());
    }
}
