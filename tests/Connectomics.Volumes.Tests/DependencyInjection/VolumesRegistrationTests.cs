using System.Diagnostics.Metrics;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connectomics.Volumes.Tests.DependencyInjection;

/// <summary><c>AddConnectomics().AddVolumes(...)</c>: options validated at start with every problem, a factory that
/// opens stores and reads through the registered options, cache and meter factory.</summary>
public sealed class VolumesRegistrationTests
{
    [Fact]
    public async Task The_factory_opens_a_store_and_reads_with_the_registered_options_cache_and_meters()
    {
        using var directory = new TempDirectory("volumes-di");
        var store = new FileSystemStore(directory.Path);
        var array = await ZarrV3Array.CreateAsync(store, "raw", new ZarrV3ArrayOptions { Shape = [4, 4, 4], ChunkShape = [2, 4, 4], Codecs = [ZarrV3Codec.Bytes()] });
        var data = Enumerable.Range(0, 32).Select(i => (byte)(i + 1)).ToArray();
        await array.WriteUnitAsync(new long[] { 1, 0, 0 }, data);

        using var metrics = new MetricRecorder();
        var services = new ServiceCollection();
        services.AddSingleton<IMeterFactory>(metrics);
        services.AddConnectomics().AddVolumes(o => o.ReadConcurrency = 3);
        services.AddConnectomics().AddVolumes(o => o.Retries = 5);
        services.Configure<VolumeStoreOptions>(o => o.FillMissing = true);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<VolumeReadOptions>>().Value;
        Assert.Equal((3, 5), (options.ReadConcurrency, options.Retries));
        var factory = provider.GetRequiredService<IVolumeStoreFactory>();
        Assert.Same(factory, provider.GetRequiredService<IVolumeStoreFactory>());

        var volume = factory.Open(directory.Path);
        Assert.Equal(Arrays.VolumeFormat.ZarrV3, await volume.DetectFormatAsync());
        var raw = await volume.OpenArrayAsync("raw");
        var reader = factory.CreateVolumeArray(raw.Array);
        Assert.Same(provider.GetRequiredService<ChunkCache>(), reader.Cache);
        var region = await reader.ReadAsync<byte>(Box3.FromStartSize(new Index3(2, 0, 0), new Index3(2, 4, 4)));
        Assert.Equal(data, region.Data.ToArray());
        Assert.Equal(1, metrics.Sum("connectomics.volume.chunks.read"));
        Assert.Equal(VoxelType.UInt8, raw.Array.Info.DataType);
    }

    [Fact]
    public async Task Read_options_are_validated_at_start_with_every_problem()
    {
        var services = new ServiceCollection();
        services.AddConnectomics().AddVolumes(o =>
        {
            o.ReadConcurrency = 0;
            o.Retries = -1;
            o.RetryBaseDelay = TimeSpan.FromSeconds(20);
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal(3, error.Failures.Count());
        Assert.All(error.Failures, f => Assert.StartsWith(nameof(VolumeReadOptions) + ": ", f, StringComparison.Ordinal));
        Assert.Contains("ReadConcurrency", error.Message, StringComparison.Ordinal);
        Assert.Contains("RetryMaxDelay", error.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IVolumeStoreFactory>().CreateVolumeArray(null!));
    }
}
