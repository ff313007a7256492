using Connectomics.Gpu.Models;
using Connectomics.Lora.DependencyInjection;
using Connectomics.Lora.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connectomics.Lora.Tests.Training;

public sealed class LoraTrainingRegistrationTests
{
    [Fact]
    public void The_factory_starts_runs_with_fresh_copies_of_the_registered_options()
    {
        var services = new ServiceCollection();
        services.AddConnectomics()
            .AddLoraFineTuning(o => o.Epochs = 7)
            .AddLoraFineTuning(o => o.Lora.Rank = 4)
            .AddMaskedLmPretraining(o => o.MaxSteps = 30);
        Assert.Single(services, d => d.ServiceType == typeof(LoraTrainerFactory));
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<LoraTrainerFactory>();
        using var model = NucleotideTransformerModel.FromConfig(NucleotideTransformerPresets.Tiny with { HiddenSize = 32, NumAttentionHeads = 2, IntermediateSize = 64, NumHiddenLayers = 1 });

        var first = factory.CreateFineTuning(model);
        first.Rank(16);
        var second = factory.CreateFineTuning(model);
        Assert.Equal((7, 16), (first.Options.Epochs, first.Options.Lora.Rank));
        Assert.Equal((7, 4), (second.Options.Epochs, second.Options.Lora.Rank));
        Assert.Equal(30, factory.CreatePretraining(model).Options.MaxSteps);
    }

    [Fact]
    public void Invalid_registered_options_fail_naming_the_type_and_every_problem()
    {
        var services = new ServiceCollection();
        services.AddConnectomics().AddLoraFineTuning(o =>
        {
            o.GradientAccumulationSteps = 0;
            o.WarmupFraction = 2;
        });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<LoraFineTuningOptions>>().Get(Options.DefaultName));
        Assert.Contains(error.Failures, f => f.StartsWith(nameof(LoraFineTuningOptions), StringComparison.Ordinal) && f.Contains("GradientAccumulationSteps", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("WarmupFraction", StringComparison.Ordinal));
    }
}
