using Connectomics.DependencyInjection;
using Connectomics.OptionsValidation;
using Connectomics.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Connectomics;

/// <summary>Registers embedding jobs: reads (Parquet, FASTA, FASTQ) through a registered model into a LanceDB table.</summary>
public static class EmbeddingJobConnectomicsBuilderExtensions
{
    /// <summary>
    /// Registers an <see cref="IEmbeddingJob"/> configured by <see cref="EmbeddingJobOptions"/>, validated when the host
    /// starts (every problem reported, prefixed with the options type and registration name). The job embeds with the
    /// container's <c>IEmbeddingModel&lt;SequenceRecord&gt;</c> (for example <c>AddNucleotideTransformer</c>; a keyed one
    /// when <see cref="EmbeddingJobOptions.Model"/> names it) and logs and measures through the container's
    /// <c>ILoggerFactory</c> and <c>IMeterFactory</c> when registered.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="configure">Sets the job's options.</param>
    /// <param name="name">A name for several jobs side by side (resolved as keyed services), or null.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddEmbeddingJob(this IConnectomicsBuilder builder, Action<EmbeddingJobOptions> configure, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        var optionsName = name ?? Options.DefaultName;
        services.AddOptions<EmbeddingJobOptions>(optionsName).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<EmbeddingJobOptions>, NamedOptionsValidator<EmbeddingJobOptions, EmbeddingJobOptionsValidator>>());
        if (name is null)
        {
            services.TryAddSingleton<IEmbeddingJob>(s => new EmbeddingJob(Options.DefaultName, s, s.GetRequiredService<IOptionsMonitor<EmbeddingJobOptions>>()));
        }
        else
        {
            services.TryAddKeyedSingleton<IEmbeddingJob>(name, (s, _) => new EmbeddingJob(name, s, s.GetRequiredService<IOptionsMonitor<EmbeddingJobOptions>>()));
        }

        return builder;
    }

    /// <summary>
    /// Runs the registered <see cref="IEmbeddingJob"/> (the unnamed one, or <paramref name="name"/>) as a hosted
    /// service: once, when the host starts, stopping the host when it ends. Restarting the worker resumes the run.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="name">The job's registration name, or null for the unnamed one.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddEmbeddingJobWorker(this IConnectomicsBuilder builder, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHostedService(s => new EmbeddingJobWorker(
            name is null ? s.GetRequiredService<IEmbeddingJob>() : s.GetRequiredKeyedService<IEmbeddingJob>(name),
            s.GetRequiredService<IHostApplicationLifetime>(),
            s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<EmbeddingJobWorker>>()));
        return builder;
    }
}
