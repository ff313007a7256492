using System.ComponentModel.DataAnnotations;

namespace Connectomics.Lora.Pretraining;

/// <summary>
/// The probabilities of the masked-LM objective, as Hugging Face's <c>DataCollatorForLanguageModeling</c> names them
/// (<c>mlm_probability</c>, <c>mask_replace_prob</c>, <c>random_replace_prob</c>). The defaults are the objective the
/// Nucleotide Transformer and BERT were trained with: 15% of the eligible tokens are selected; of those, 80% become
/// <c>&lt;mask&gt;</c>, 10% a random token and 10% stay as they are.
/// </summary>
public sealed class MaskedTokenSamplerOptions
{
    /// <summary>Gets or sets the probability that an eligible token (neither special nor padding) is selected for
    /// prediction.</summary>
    /// <value>The default value is 0.15.</value>
    [Range(0.0, 1.0)]
    public double SelectionProbability { get; set; } = 0.15;

    /// <summary>Gets or sets the probability that a selected token is replaced by <c>&lt;mask&gt;</c>.</summary>
    /// <value>The default value is 0.8.</value>
    [Range(0.0, 1.0)]
    public double MaskReplacementProbability { get; set; } = 0.8;

    /// <summary>Gets or sets the probability that a selected token is replaced by a token drawn uniformly from the
    /// vocabulary; the rest of the selected tokens (1 - <see cref="MaskReplacementProbability"/> - this) keep their
    /// id.</summary>
    /// <value>The default value is 0.1.</value>
    [Range(0.0, 1.0)]
    public double RandomReplacementProbability { get; set; } = 0.1;

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public MaskedTokenSamplerOptions Clone() => (MaskedTokenSamplerOptions)MemberwiseClone();

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        var errors = results.Select(r => r.ErrorMessage ?? string.Join(",", r.MemberNames)).ToList();
        foreach (var (name, value) in new[]
        {
            (nameof(SelectionProbability), SelectionProbability),
            (nameof(MaskReplacementProbability), MaskReplacementProbability),
            (nameof(RandomReplacementProbability), RandomReplacementProbability),
        })
        {
            if (double.IsNaN(value))
            {
                errors.Add($"{name} is NaN.");
            }
        }

        // A small tolerance so that, for example, 0.7 + 0.3 passes despite its rounding.
        if (MaskReplacementProbability + RandomReplacementProbability > 1.0 + 1e-12)
        {
            errors.Add(
                $"{nameof(MaskReplacementProbability)} ({MaskReplacementProbability}) plus {nameof(RandomReplacementProbability)} ({RandomReplacementProbability}) exceeds 1.");
        }

        if (errors.Count > 0)
        {
            throw new ValidationException($"{nameof(MaskedTokenSamplerOptions)} is invalid: {string.Join(" ", errors)}");
        }
    }
}
