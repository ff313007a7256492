using System.Diagnostics.Metrics;
using Connectomics.DependencyInjection;
using Connectomics.Embeddings;
using Connectomics.Gpu.DependencyInjection;
using Connectomics.Gpu.Inference;
using Connectomics.OptionsValidation;
using Connectomics.Sequences;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectomics;

/// <summary>Registers Nucleotide Transformer embedders.</summary>
public static class NucleotideTransformerConnectomicsBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="NucleotideTransformerEmbedder"/> as <see cref="IEmbeddingModel"/> and
    /// <see cref="IEmbeddingModel{TInput}"/> of <see cref="SequenceRecord"/>, both resolving to the same instance (keyed
    /// by <paramref name="name"/> when one is given), built on first use with the container's <see cref="ILoggerFactory"/>
    /// and <see cref="IMeterFactory"/> when they are registered. The options are validated when the host starts:
    /// exactly one of <see cref="NucleotideTransformerRegistration.Checkpoint"/> and
    /// <see cref="NucleotideTransformerRegistration.Preset"/> must be set, so that a host is never left serving the
    /// random weights of a preset it did not ask for; every problem is reported, with the registration's name.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="configure">Chooses the model and its options.</param>
    /// <param name="name">A key for several models side by side; <see langword="null"/> registers the default one.</param>
    /// <param name="lifetime">The lifetime; a singleton by default, since the weights are loaded once.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddNucleotideTransformer(
        this IConnectomicsBuilder builder,
        Action<NucleotideTransformerRegistration> configure,
        string? name = null,
        ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var optionsName = name ?? Options.DefaultName;
        builder.Services.AddOptions<NucleotideTransformerRegistration>(optionsName)
            .Configure(configure)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<NucleotideTransformerRegistration>, NamedOptionsValidator<NucleotideTransformerRegistration, NucleotideTransformerRegistrationValidator>>());

        NucleotideTransformerEmbedder Create(IServiceProvider services)
        {
            TorchRuntimeActivation.ApplyRegistered(services);
            var registration = services.GetRequiredService<IOptionsMonitor<NucleotideTransformerRegistration>>().Get(optionsName);
            var embedder = NucleotideTransformerEmbedder.CreateBuilder();
            embedder = registration.Checkpoint is null
                ? embedder.FromPreset(registration.Preset!, registration.Seed)
                : embedder.FromPretrained(registration.Checkpoint);
            embedder.WithOptions(registration.Embedder);
            if (services.GetService<ILoggerFactory>() is { } loggers)
            {
                embedder.WithLoggerFactory(loggers);
            }

            if (services.GetService<IMeterFactory>() is { } meters)
            {
                embedder.WithMeterFactory(meters);
            }

            return embedder.Build();
        }

        if (name is null)
        {
            builder.Services.TryAdd(new ServiceDescriptor(typeof(NucleotideTransformerEmbedder), Create, lifetime));
            builder.Services.TryAdd(new ServiceDescriptor(typeof(IEmbeddingModel), s => s.GetRequiredService<NucleotideTransformerEmbedder>(), lifetime));
            builder.Services.TryAdd(new ServiceDescriptor(typeof(IEmbeddingModel<SequenceRecord>), s => s.GetRequiredService<NucleotideTransformerEmbedder>(), lifetime));
        }
        else
        {
            builder.Services.TryAdd(new ServiceDescriptor(typeof(NucleotideTransformerEmbedder), name, (s, _) => Create(s), lifetime));
            builder.Services.TryAdd(new ServiceDescriptor(typeof(IEmbeddingModel), name, (s, key) => s.GetRequiredKeyedService<NucleotideTransformerEmbedder>(key), lifetime));
            builder.Services.TryAdd(new ServiceDescriptor(
                typeof(IEmbeddingModel<SequenceRecord>), name, (s, key) => s.GetRequiredKeyedService<NucleotideTransformerEmbedder>(key), lifetime));
        }

        return builder;
    }
}
