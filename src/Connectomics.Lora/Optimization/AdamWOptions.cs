using System.ComponentModel.DataAnnotations;

namespace Connectomics.Lora.Optimization;

/// <summary>The hyper-parameters of <see cref="AdamW"/>, with PyTorch's defaults except for the learning rate.</summary>
public sealed class AdamWOptions : IValidatableObject
{
    /// <summary>Gets or sets the learning rate that <see cref="AdamW.Step()"/> uses; a schedule passes its own rate to
    /// <see cref="AdamW.Step(double)"/> instead.</summary>
    /// <value>The default value is 1e-3 (PyTorch's default).</value>
    [Range(0.0, double.MaxValue)]
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Gets or sets the decay rate of the first-moment (mean) estimate.</summary>
    /// <value>The default value is 0.9.</value>
    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Gets or sets the decay rate of the second-moment (uncentred variance) estimate.</summary>
    /// <value>The default value is 0.999.</value>
    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Gets or sets the term added to the denominator for numerical stability.</summary>
    /// <value>The default value is 1e-8.</value>
    [Range(0.0, double.MaxValue)]
    public double Epsilon { get; set; } = 1e-8;

    /// <summary>Gets or sets the decoupled weight decay of the parameters that decay, when the optimizer forms its
    /// groups itself (see <see cref="ParameterGroups.WithDecay"/>); groups given explicitly carry their own.</summary>
    /// <value>The default value is 0.01 (PyTorch's AdamW default).</value>
    [Range(0.0, double.MaxValue)]
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public AdamWOptions Clone() => (AdamWOptions)MemberwiseClone();

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new AdamWOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(AdamWOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks what the range attributes cannot: that no setting is NaN.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (double.IsNaN(LearningRate)) yield return new ValidationResult($"{nameof(LearningRate)} is NaN.", [nameof(LearningRate)]);
        if (double.IsNaN(Beta1)) yield return new ValidationResult($"{nameof(Beta1)} is NaN.", [nameof(Beta1)]);
        if (double.IsNaN(Beta2)) yield return new ValidationResult($"{nameof(Beta2)} is NaN.", [nameof(Beta2)]);
        if (double.IsNaN(Epsilon)) yield return new ValidationResult($"{nameof(Epsilon)} is NaN.", [nameof(Epsilon)]);
        if (double.IsNaN(WeightDecay)) yield return new ValidationResult($"{nameof(WeightDecay)} is NaN.", [nameof(WeightDecay)]);
    }
}
