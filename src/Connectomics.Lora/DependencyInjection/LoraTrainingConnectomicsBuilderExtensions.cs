using Connectomics.DependencyInjection;
using Connectomics.Lora.DependencyInjection;
using Connectomics.Lora.Training;
using Connectomics.OptionsValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Connectomics;

/// <summary>Registers the LoRA fine-tuning and masked-LM pre-training trainers.</summary>
public static class LoraTrainingConnectomicsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="LoraFineTuningOptions"/> (validated when the host starts, every problem reported with the
    /// registration's name) and the singleton <see cref="LoraTrainerFactory"/> that starts runs with them. Safe to
    /// call more than once: every call's <paramref name="configure"/> applies to the options of its name.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="name">The options' name, for several configurations side by side; <see langword="null"/> for the default.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddLoraFineTuning(this IConnectomicsBuilder builder, Action<LoraFineTuningOptions> configure, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<LoraFineTuningOptions>(name ?? Options.DefaultName).Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<LoraFineTuningOptions>, NamedOptionsValidator<LoraFineTuningOptions, LoraFineTuningOptionsValidator>>());
        builder.Services.TryAddSingleton<LoraTrainerFactory>();
        return builder;
    }

    /// <summary>
    /// Registers <see cref="MaskedLmPretrainingOptions"/> (validated when the host starts) and the singleton
    /// <see cref="LoraTrainerFactory"/>. Safe to call more than once.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="name">The options' name; <see langword="null"/> for the default.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddMaskedLmPretraining(this IConnectomicsBuilder builder, Action<MaskedLmPretrainingOptions> configure, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<MaskedLmPretrainingOptions>(name ?? Options.DefaultName).Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<MaskedLmPretrainingOptions>, NamedOptionsValidator<MaskedLmPretrainingOptions, MaskedLmPretrainingOptionsValidator>>());
        builder.Services.TryAddSingleton<LoraTrainerFactory>();
        return builder;
    }
}
