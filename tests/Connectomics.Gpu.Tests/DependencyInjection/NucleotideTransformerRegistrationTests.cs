using Connectomics.Devices;
using Connectomics.Embeddings;
using Connectomics.Gpu.DependencyInjection;
using Connectomics.Gpu.Inference;
using Connectomics.Sequences;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connectomics.Gpu.Tests.DependencyInjection;

public sealed class NucleotideTransformerRegistrationTests
{
    [Fact]
    public async Task A_registration_without_a_checkpoint_or_preset_fails_at_start_with_every_problem()
    {
        var services = new ServiceCollection();
        services.AddConnectomics().AddNucleotideTransformer(r => { r.Embedder.MaxBatchTokens = 0; r.Embedder.MaxBatchSize = -1; });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(Options.DefaultName, error.OptionsName);
        Assert.Equal(3, error.Failures.Count());
        Assert.All(error.Failures, f => Assert.StartsWith(nameof(NucleotideTransformerRegistration) + ": ", f, StringComparison.Ordinal));
        Assert.Contains("Neither Checkpoint nor Preset is set", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBatchTokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBatchSize", error.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IEmbeddingModel>());
    }

    [Fact]
    public async Task A_named_registration_with_both_a_checkpoint_and_a_preset_fails_naming_the_registration()
    {
        var services = new ServiceCollection();
        services.AddConnectomics().AddNucleotideTransformer(r => { r.Checkpoint = ReferenceFixture.PathOf("v2-tiny"); r.Preset = "tiny"; }, name: "fixture");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(
            () => provider.GetRequiredService<IOptionsMonitor<NucleotideTransformerRegistration>>().Get("fixture"));

        Assert.Equal("fixture", error.OptionsName);
        var failure = Assert.Single(error.Failures);
        Assert.StartsWith($"{nameof(NucleotideTransformerRegistration)} 'fixture': ", failure, StringComparison.Ordinal);
        Assert.Contains("Both Checkpoint", failure, StringComparison.Ordinal);
        Assert.Contains("choose one", failure, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public async Task An_unknown_preset_fails_at_start()
    {
        var services = new ServiceCollection();
        services.AddConnectomics().AddNucleotideTransformer(r => r.Preset = "no-such-model");
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Preset 'no-such-model' is not a preset", error.Message, StringComparison.Ordinal);
        Assert.Contains("tiny", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cross_property_embedder_rules_are_reported_by_the_registration()
    {
        var services = new ServiceCollection();
        services.AddConnectomics().AddNucleotideTransformer(r =>
        {
            r.Preset = "tiny";
            r.Embedder.CpuThreads = 2;
            r.Embedder.CpuWorkers = 4;
            r.Embedder.Pooling = (EmbeddingPooling)42;
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("CpuWorkers 4 exceeds CpuThreads 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pooling '42' is not defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_preset_passes_validation_and_resolves()
    {
        var services = new ServiceCollection();
        services.AddConnectomics().AddNucleotideTransformer(r => { r.Preset = "tiny"; r.Embedder.Device = DeviceSelection.Cpu; });
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var model = provider.GetRequiredService<IEmbeddingModel>();

        Assert.Equal(128, model.Dimension);
        Assert.Same(model, provider.GetRequiredService<NucleotideTransformerEmbedder>());
        Assert.Same(model, provider.GetRequiredService<IEmbeddingModel<SequenceRecord>>());
    }

    [Fact]
    public void A_named_registration_adds_keyed_services_only()
    {
        var services = new ServiceCollection();
        services.AddConnectomics().AddNucleotideTransformer(r => r.Preset = "tiny", name: "a");
        services.AddConnectomics().AddNucleotideTransformer(r => r.Preset = "tiny", name: "a");

        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingModel<SequenceRecord>) && Equals(d.ServiceKey, "a"));
        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingModel) && Equals(d.ServiceKey, "a"));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IEmbeddingModel<SequenceRecord>) && !d.IsKeyedService);
    }

    [Fact]
    public void Registering_twice_adds_nothing_twice()
    {
        var services = new ServiceCollection();
        var first = services.AddConnectomics();
        first.AddNucleotideTransformer(r => r.Preset = "tiny");

        var second = services.AddConnectomics();
        second.AddNucleotideTransformer(r => r.Preset = "tiny");

        Assert.Same(first, second);
        Assert.Same(services, second.Services);
        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingModel));
        Assert.Single(services, d => d.ServiceType == typeof(IEmbeddingModel<SequenceRecord>));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<NucleotideTransformerRegistration>));
        Assert.Single(services, d => d.ServiceType == typeof(NucleotideTransformerEmbedder));
    }
}
