using Connectomics.Devices;
using Connectomics.Embeddings;
using Connectomics.Gpu.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connectomics.Gpu.Tests.DependencyInjection;

public sealed class TorchRuntimeRegistrationTests
{
    private static ServiceProvider Provider(Action<TorchRuntimeOptions> configure, RecordingLoggerFactory? loggers = null)
    {
        var services = new ServiceCollection();
        if (loggers is not null)
        {
            services.AddSingleton<ILoggerFactory>(loggers);
        }

        services.AddConnectomics()
            .ConfigureTorchRuntime(configure)
            .AddNucleotideTransformer(r => { r.Preset = "tiny"; r.Embedder.Device = DeviceSelection.Cpu; });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_container_applies_the_registered_runtime_settings_before_building_the_embedder()
    {
        // This process applies the defaults once (its other tests use the library); registering the same settings is
        // then a no-op, and the embedder is built.
        var state = TorchRuntime.EnsureApplied();
        using var loggers = new RecordingLoggerFactory();
        await using var provider = Provider(o => o.AllowWeakenedNativeCopy = state.Options.AllowWeakenedNativeCopy, loggers);
        var model = provider.GetRequiredService<IEmbeddingModel>();
        Assert.Equal(128, model.Dimension);
        Assert.Same(state, TorchRuntime.Current);
        Assert.Contains("TorchRuntimeConfiguredAgain", loggers.Events);
    }

    [Fact]
    public async Task Settings_other_than_those_in_force_are_refused_when_the_embedder_is_created()
    {
        TorchRuntime.EnsureApplied();
        await using var provider = Provider(o => o.MklDispatch = MklDispatchMode.CpuFeatures);
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEmbeddingModel>());
        Assert.Contains("MklDispatch: AsShipped in force, CpuFeatures requested", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_runtime_settings_fail_validation()
    {
        await using var provider = Provider(o => o.IntraOpThreads = 0);
        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IEmbeddingModel>());
        Assert.Contains("IntraOpThreads", error.ToString(), StringComparison.Ordinal);
    }
}
