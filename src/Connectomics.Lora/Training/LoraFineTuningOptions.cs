using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Taxonomy;

namespace Connectomics.Lora.Training;

/// <summary>The settings of LoRA fine-tuning on a 7-rank taxonomy: the shared training settings, the adapters, the
/// head and the loss weights.</summary>
public sealed class LoraFineTuningOptions : TrainingOptions, IValidatableObject
{
    /// <summary>Initializes a new instance with the fine-tuning defaults (early stopping metric <c>macro_f1/mean</c>).</summary>
    public LoraFineTuningOptions()
    {
        EarlyStoppingMetric = "macro_f1/mean";
    }

    /// <summary>Gets the adapter settings (rank, alpha, dropout, target modules).</summary>
    [ValidateObjectMembers]
    public LoraOptions Lora { get; } = new();

    /// <summary>Gets or sets the per-rank weights of the loss.</summary>
    /// <value>The default value is <see cref="RankWeights.Default"/>.</value>
    public RankWeights RankWeights { get; set; } = RankWeights.Default;

    /// <summary>Gets or sets the dropout applied to the pooled embedding before the head's classifiers.</summary>
    /// <value>The default value is 0.</value>
    [Range(0.0, 0.99)]
    public double HeadDropout { get; set; }

    /// <summary>Gets or sets a value indicating whether, at the end, the adapter and head of the best checkpoint (by
    /// <see cref="TrainingOptions.EarlyStoppingMetric"/>) replace the last ones before the final save.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RestoreBestAtEnd { get; set; } = true;

    /// <summary>Checks every setting, and reports all problems at once.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message
    /// lists every problem and names this type.</exception>
    public void Validate() => TrainingOptionsValidation.ThrowIfInvalid(this, new LoraFineTuningOptionsValidator().Validate(null, this));

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in TrainingOptionsValidation.Common(this, ["loss", .. TaxonomyMetricNames.All]))
        {
            yield return problem;
        }

        ValidationResult? weights = null;
        try
        {
            RankWeights.Validate();
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or ValidationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            weights = new ValidationResult($"{nameof(RankWeights)}: {error.Message}", [nameof(RankWeights)]);
        }

        if (weights is not null)
        {
            yield return weights;
        }
    }
}
