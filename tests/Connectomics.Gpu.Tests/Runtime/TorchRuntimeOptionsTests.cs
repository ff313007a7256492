using System.ComponentModel.DataAnnotations;
using Connectomics.Gpu.Runtime;

namespace Connectomics.Gpu.Tests.Runtime;

public sealed class TorchRuntimeOptionsTests
{
    [Fact]
    public void Defaults_ask_for_nothing_process_wide()
    {
        var options = new TorchRuntimeOptions();
        Assert.False(options.TuneNativeHeap);
        Assert.False(options.UseTransparentHugePages);
        Assert.Equal(MklDispatchMode.AsShipped, options.MklDispatch);
        Assert.Null(options.IntraOpThreads);
        Assert.Null(options.NativeCacheDirectory);
        Assert.True(options.AllowWeakenedNativeCopy);
    }

    [Fact]
    public void The_cpu_throughput_preset_tunes_the_heap_and_huge_pages_but_leaves_mkl_as_shipped()
    {
        var options = TorchRuntimeOptions.ForCpuThroughput();
        Assert.True(options.TuneNativeHeap);
        Assert.True(options.UseTransparentHugePages);
        Assert.Equal(MklDispatchMode.AsShipped, options.MklDispatch);
        Assert.Equal(["TuneNativeHeap: false in force, true requested", "UseTransparentHugePages: false in force, true requested"],
            new TorchRuntimeOptions().DifferencesFrom(options));
        Assert.Empty(options.DifferencesFrom(options.Clone()));
    }

    [Fact]
    public void Invalid_settings_are_all_reported()
    {
        var options = new TorchRuntimeOptions { MklDispatch = (MklDispatchMode)7, IntraOpThreads = 0, NativeCacheDirectory = " " };
        var error = Assert.Throws<ValidationException>(options.Validate);
        Assert.StartsWith("TorchRuntimeOptions is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("MklDispatch '7'", error.Message, StringComparison.Ordinal);
        Assert.Contains("IntraOpThreads", error.Message, StringComparison.Ordinal);
        Assert.Contains("NativeCacheDirectory", error.Message, StringComparison.Ordinal);
        Assert.Throws<ValidationException>(() => TorchRuntime.Configure(options));
    }

    [Fact]
    public void The_state_in_force_is_queryable_and_the_same_settings_again_return_it()
    {
        var state = TorchRuntime.EnsureApplied();
        Assert.Same(state, TorchRuntime.Current);
        Assert.Same(state, TorchRuntime.Configure(state.Options));
        Assert.Equal(6, state.Settings.Count);
        Assert.Equal(state.Settings[4], state[nameof(TorchRuntimeOptions.MklDispatch)]);
        Assert.Contains("NativeCacheDirectory = ", state.ToString(), StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => state["Nothing"]);

        // The copy handed out cannot change what was applied.
        var copy = state.Options;
        copy.TuneNativeHeap = !copy.TuneNativeHeap;
        Assert.NotEqual(copy.TuneNativeHeap, state.Options.TuneNativeHeap);
    }
}
