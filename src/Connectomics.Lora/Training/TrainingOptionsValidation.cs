using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Connectomics.Lora.Training;

/// <summary>The checks that span several settings of <see cref="TrainingOptions"/>, and the one exception that lists
/// every problem.</summary>
internal static class TrainingOptionsValidation
{
    /// <summary>Checks the settings that depend on each other.</summary>
    /// <param name="options">The options.</param>
    /// <param name="metrics">The metric names the trainer computes.</param>
    /// <returns>One result per problem.</returns>
    public static IEnumerable<ValidationResult> Common(TrainingOptions options, IReadOnlyCollection<string> metrics)
    {
        if (!metrics.Contains(options.EarlyStoppingMetric, StringComparer.Ordinal))
        {
            yield return new ValidationResult(
                $"{nameof(TrainingOptions.EarlyStoppingMetric)} '{options.EarlyStoppingMetric}' is not a validation metric; choose one of: {string.Join(", ", metrics)}.",
                [nameof(TrainingOptions.EarlyStoppingMetric)]);
        }

        if (options.TensorBoardDirectory is not null && string.IsNullOrWhiteSpace(options.TensorBoardDirectory))
        {
            yield return new ValidationResult($"{nameof(TrainingOptions.TensorBoardDirectory)} is empty.", [nameof(TrainingOptions.TensorBoardDirectory)]);
        }
    }

    /// <summary>Throws when the generated validator found problems.</summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="options">The options.</param>
    /// <param name="result">The validator's result.</param>
    /// <exception cref="OptionsValidationException">There are problems; the message names the type and lists all.</exception>
    public static void ThrowIfInvalid<TOptions>(TOptions options, ValidateOptionsResult result)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        if (result.Failed)
        {
            var failures = (result.Failures ?? [result.FailureMessage]).Select(f => $"{typeof(TOptions).Name}: {f}").ToArray();
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), failures);
        }
    }
}
