using System.Diagnostics.Metrics;
using Connectomics.Gpu.Models;
using Connectomics.Lora.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectomics.Lora.DependencyInjection;

/// <summary>
/// Starts trainers with the options registered by <c>AddLoraFineTuning</c> and <c>AddMaskedLmPretraining</c> and the
/// container's <see cref="ILoggerFactory"/>, <see cref="IMeterFactory"/> and <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>Each call gets a fresh, validated copy of the named options, so runs never share mutable settings. The
/// factory is thread-safe.</remarks>
public sealed class LoraTrainerFactory
{
    private readonly IServiceProvider _services;

    /// <summary>Initializes a new instance over a container.</summary>
    /// <param name="services">The container.</param>
    public LoraTrainerFactory(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    /// <summary>Starts LoRA fine-tuning of a model with the registered options.</summary>
    /// <param name="model">The model.</param>
    /// <param name="name">The options' name; <see langword="null"/> for the default registration.</param>
    /// <returns>The builder, ready for inputs and <c>RunAsync</c>.</returns>
    public LoraFineTuning CreateFineTuning(NucleotideTransformerModel model, string? name = null) =>
        LoraFineTuning.For(
            model,
            _services.GetRequiredService<IOptionsFactory<LoraFineTuningOptions>>().Create(name ?? Options.DefaultName),
            _services.GetService<ILoggerFactory>(),
            _services.GetService<IMeterFactory>(),
            _services.GetService<TimeProvider>());

    /// <summary>Starts masked-LM pre-training of a model with the registered options.</summary>
    /// <param name="model">The model.</param>
    /// <param name="name">The options' name; <see langword="null"/> for the default registration.</param>
    /// <returns>The builder, ready for inputs and <c>RunAsync</c>.</returns>
    public MaskedLmPretraining CreatePretraining(NucleotideTransformerModel model, string? name = null) =>
        MaskedLmPretraining.For(
            model,
            _services.GetRequiredService<IOptionsFactory<MaskedLmPretrainingOptions>>().Create(name ?? Options.DefaultName),
            _services.GetService<ILoggerFactory>(),
            _services.GetService<IMeterFactory>(),
            _services.GetService<TimeProvider>());
}
