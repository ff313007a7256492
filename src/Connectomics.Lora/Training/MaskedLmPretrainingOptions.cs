using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Pretraining;

namespace Connectomics.Lora.Training;

/// <summary>The settings of masked-LM pre-training: the shared training settings, the masking, and optionally LoRA
/// adapters instead of training every weight.</summary>
public sealed class MaskedLmPretrainingOptions : TrainingOptions, IValidatableObject
{
    /// <summary>Initializes a new instance with the pre-training defaults (learning rate 1e-4, early stopping metric
    /// <c>loss</c>).</summary>
    public MaskedLmPretrainingOptions()
    {
        LearningRate = 1e-4;
    }

    /// <summary>Gets the masking settings (15% of non-special tokens; 80/10/10).</summary>
    [ValidateObjectMembers]
    public MaskedTokenSamplerOptions Masking { get; } = new();

    /// <summary>Gets or sets LoRA settings to train adapters only (merged into the saved model at the end).</summary>
    /// <value>The default value is <see langword="null"/>: every weight of the model and its masked-LM head trains.</value>
    [ValidateObjectMembers]
    public LoraOptions? Lora { get; set; }

    /// <summary>Checks every setting, and reports all problems at once.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message
    /// lists every problem and names this type.</exception>
    public void Validate() => TrainingOptionsValidation.ThrowIfInvalid(this, new MaskedLmPretrainingOptionsValidator().Validate(null, this));

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var problem in TrainingOptionsValidation.Common(this, ["loss"]))
        {
            yield return problem;
        }
    }
}
