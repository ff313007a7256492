using System.Diagnostics.Metrics;
using Connectomics.Checkpoints;
using Connectomics.Storage.Checkpoints;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Tests.Lance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Connectomics.Storage.Tests.DependencyInjection;

public sealed class StorageRegistrationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("storage-di-");
    private readonly MetricRecorder _metrics = new();
    private readonly RecordingLoggerFactory _logs = new();

    public void Dispose()
    {
        _metrics.Dispose();
        _dir.Delete(recursive: true);
    }

    private ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IMeterFactory>(_metrics);
        services.AddSingleton<ILoggerFactory>(_logs);
        return services;
    }

    [Fact]
    public async Task The_checkpoint_store_resolves_and_uses_the_containers_clock_logger_and_meter()
    {
        var now = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var services = Services();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(now));
        services.AddConnectomics().AddFileCheckpointStore(o => { o.Directory = _dir.FullName; o.RunId = "shard-1"; });
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var store = provider.GetRequiredService<ICheckpointStore>();
        Assert.Same(store, provider.GetRequiredService<FileCheckpointStore>());
        Assert.Equal("shard-1", store.RunId);
        var saved = await store.SaveAsync(new CheckpointState { RunId = "shard-1", Position = new Dictionary<string, string> { ["row"] = "9" }, StoreVersion = 3 });

        Assert.Equal(now, saved.SavedAt);
        Assert.Equal(saved, await store.LoadAsync());
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "shard-1", FileCheckpointStore.CurrentFileName)));
        Assert.Equal(1, _metrics.Sum("connectomics.checkpoint.saves"));
        Assert.Contains(_logs.Logger.Entries, e => e.EventId.Name == "CheckpointSaved");
    }

    [Fact]
    public async Task Checkpoint_store_options_are_validated_at_start_with_every_problem()
    {
        var services = Services();
        services.AddConnectomics().AddFileCheckpointStore(o => o.RunId = "../escape");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(2, error.Failures.Count());
        Assert.All(error.Failures, f => Assert.StartsWith(nameof(FileCheckpointStoreOptions) + ": ", f, StringComparison.Ordinal));
        Assert.Contains("Directory", error.Failures.First(), StringComparison.Ordinal);
        Assert.Contains("RunId may hold only letters, digits", error.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICheckpointStore>());
    }

    [Fact]
    public async Task The_lance_database_resolves_and_its_writers_report_to_the_container()
    {
        var services = Services();
        services.AddConnectomics().AddLanceDatabase(o => o.Directory = _dir.FullName);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var db = provider.GetRequiredService<LanceDatabase>();
        Assert.Same(db, provider.GetRequiredService<LanceDatabase>());
        Assert.Equal(_dir.FullName, db.Directory);
        await using (var writer = await db.OpenWriterAsync("vectors", SampleBatches.VectorSchema(4)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 3, 4));
            Assert.Equal(1UL, await writer.CompleteAsync());
        }

        Assert.Equal(["vectors"], db.TableNames());
        Assert.Equal(3, (await db.OpenTableAsync("vectors")).RowCount);
        Assert.Equal(3, _metrics.Sum("connectomics.lance.rows.written"));
        Assert.Contains(_logs.Logger.Entries, e => e.EventId.Name == "LanceTableCommitted");
        Assert.Contains(typeof(LanceTableWriter).FullName!, _logs.Categories);
    }

    [Fact]
    public async Task Lance_database_options_are_validated_at_start()
    {
        var file = Path.Combine(_dir.FullName, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");
        var services = Services();
        services.AddConnectomics().AddLanceDatabase(o => o.Directory = file);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith(nameof(LanceDatabaseOptions) + ": ", failure, StringComparison.Ordinal);
        Assert.Contains("is a file, not a directory", failure, StringComparison.Ordinal);

        var missing = new ServiceCollection();
        missing.AddConnectomics().AddLanceDatabase(_ => { });
        await using var unset = missing.BuildServiceProvider();
        Assert.Contains("Directory", Assert.Throws<OptionsValidationException>(() => unset.GetRequiredService<LanceDatabase>()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_meter_factory_or_logger_factory_the_process_wide_meter_is_used()
    {
        var services = new ServiceCollection();
        services.AddConnectomics()
            .AddFileCheckpointStore(o => { o.Directory = _dir.FullName; o.RunId = "r"; })
            .AddLanceDatabase(o => o.Directory = _dir.FullName);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Same(Connectomics.Storage.Telemetry.StorageTelemetry.Shared, provider.GetRequiredService<Connectomics.Storage.Telemetry.StorageTelemetry>());
        Assert.Null(await provider.GetRequiredService<ICheckpointStore>().LoadAsync());
        Assert.Empty(provider.GetRequiredService<LanceDatabase>().TableNames());
    }

    [Fact]
    public void Registering_twice_adds_nothing_twice()
    {
        var services = Services();
        for (var i = 0; i < 2; i++)
        {
            services.AddConnectomics()
                .AddFileCheckpointStore(o => { o.Directory = _dir.FullName; o.RunId = "r"; })
                .AddLanceDatabase(o => o.Directory = _dir.FullName);
        }

        Assert.Single(services, d => d.ServiceType == typeof(ICheckpointStore));
        Assert.Single(services, d => d.ServiceType == typeof(FileCheckpointStore));
        Assert.Single(services, d => d.ServiceType == typeof(LanceDatabase));
        Assert.Single(services, d => d.ServiceType == typeof(Connectomics.Storage.Telemetry.StorageTelemetry));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<FileCheckpointStoreOptions>));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<LanceDatabaseOptions>));
    }
}
