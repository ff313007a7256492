using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Connectomics.Lora.Adapters;

/// <summary>
/// Which projections of an encoder get a LoRA adapter and how it is shaped: the settings of PEFT's <c>LoraConfig</c>
/// that apply to linear layers, under PEFT's matching rules. Validated once, when an adapter is injected.
/// </summary>
/// <remarks>
/// <para>
/// Matching (see <see cref="TargetModules"/>): an entry matches a module whose full name equals it or ends with
/// <c>.</c> + entry, so <c>query</c> matches <c>esm.encoder.layer.3.attention.self.query</c>. When
/// <see cref="TargetModulesRegex"/> is set, it replaces the list and must match a whole name. Names are those of
/// <see cref="Gpu.Models.ITrainableEncoder.ReplaceableModuleNames"/>.
/// </para>
/// <para>
/// Each adapted layer computes <c>base(x) + B(A(dropout(x))) · scaling</c> with <c>scaling = alpha / r</c>, or
/// <c>alpha / √r</c> with <see cref="UseRsLora"/>.
/// </para>
/// </remarks>
public sealed class LoraOptions : IValidatableObject
{
    /// <summary>Gets or sets the rank r of every adapter (unless <see cref="RankPattern"/> overrides it).</summary>
    /// <value>The default value is 8.</value>
    [Range(1, int.MaxValue)]
    public int Rank { get; set; } = LoraDefaults.Rank;

    /// <summary>Gets or sets alpha, the numerator of the scaling (unless <see cref="AlphaPattern"/> overrides it).</summary>
    /// <value>The default value is 8.</value>
    [Range(0.0, double.MaxValue, MinimumIsExclusive = true)]
    public double Alpha { get; set; } = LoraDefaults.Alpha;

    /// <summary>Gets or sets the dropout probability applied to the adapter's input only, in training mode.</summary>
    /// <value>The default value is 0 (no dropout).</value>
    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double Dropout { get; set; } = LoraDefaults.Dropout;

    /// <summary>Gets or sets a value indicating whether the scaling is <c>alpha / √r</c> (rank-stabilised LoRA) rather
    /// than <c>alpha / r</c>.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseRsLora { get; set; }

    /// <summary>Gets or sets the module names to adapt: each entry matches a module named exactly so, or whose name
    /// ends with <c>.</c> + entry. Ignored when <see cref="TargetModulesRegex"/> is set.</summary>
    /// <value>The default value is <c>["query", "value"]</c>, the attention query and value projections.</value>
    public IList<string> TargetModules { get; set; } = LoraDefaults.TargetModules();

    /// <summary>Gets or sets a regular expression that must match a module's whole name; when set, it is used
    /// instead of <see cref="TargetModules"/> (PEFT's string form of <c>target_modules</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? TargetModulesRegex { get; set; }

    /// <summary>Gets or sets the layer indices to adapt; modules matched by a <see cref="TargetModules"/> suffix are
    /// kept only when the layer index in their name is listed (an entry equal to a whole name is kept regardless, as
    /// in PEFT). <see langword="null"/> or empty adapts every layer.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IList<int>? LayersToTransform { get; set; }

    /// <summary>Gets or sets the name of the module list that holds the layers (e.g. <c>layer</c>), which tells
    /// where the layer index is read from; <see langword="null"/> takes the first number that follows a dotted
    /// segment and is followed by a dot. Needs <see cref="LayersToTransform"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? LayersPattern { get; set; }

    /// <summary>Gets or sets per-module ranks: a key is a regular expression that matches the end of a module name
    /// at a dot boundary (<c>(.*\.)?key</c>); the first matching key wins. Unmatched modules use <see cref="Rank"/>.</summary>
    /// <value>The default value is an empty map.</value>
    public IDictionary<string, int> RankPattern { get; set; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Gets or sets per-module alphas, matched like <see cref="RankPattern"/>. Unmatched modules use
    /// <see cref="Alpha"/>.</summary>
    /// <value>The default value is an empty map.</value>
    public IDictionary<string, double> AlphaPattern { get; set; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Gets or sets the base model's name or path written to <c>adapter_config.json</c>;
    /// <see langword="null"/> writes the encoder's <see cref="Gpu.Models.ITrainableEncoder.Name"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? BaseModelNameOrPath { get; set; }

    /// <summary>Gets or sets PEFT's task type written to <c>adapter_config.json</c>.</summary>
    /// <value>The default value is <c>FEATURE_EXTRACTION</c> (the head is not part of the adapter).</value>
    [Required]
    public string TaskType { get; set; } = LoraDefaults.TaskType;

    /// <summary>Returns a deep copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public LoraOptions Clone()
    {
        var copy = (LoraOptions)MemberwiseClone();
        copy.TargetModules = [.. TargetModules ?? []];
        copy.LayersToTransform = LayersToTransform is null ? null : [.. LayersToTransform];
        copy.RankPattern = new Dictionary<string, int>(RankPattern ?? new Dictionary<string, int>(), StringComparer.Ordinal);
        copy.AlphaPattern = new Dictionary<string, double>(AlphaPattern ?? new Dictionary<string, double>(), StringComparer.Ordinal);
        return copy;
    }

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new LoraOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(LoraOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks the settings that attributes cannot express: the target list or regex, the layer selection
    /// and the per-module overrides.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (TargetModulesRegex is not null)
        {
            if (TargetModulesRegex.Length == 0)
            {
                yield return new ValidationResult($"{nameof(TargetModulesRegex)} must not be empty; set it to null to use {nameof(TargetModules)}.", [nameof(TargetModulesRegex)]);
            }
            else if (ParseError(TargetModulesRegex) is { } error)
            {
                yield return new ValidationResult($"{nameof(TargetModulesRegex)} '{TargetModulesRegex}' is not a valid regular expression: {error}", [nameof(TargetModulesRegex)]);
            }

            if (LayersToTransform is { Count: > 0 } || LayersPattern is not null)
            {
                yield return new ValidationResult(
                    $"{nameof(LayersToTransform)} and {nameof(LayersPattern)} cannot be combined with {nameof(TargetModulesRegex)}; put the layer numbers into the expression instead.",
                    [nameof(LayersToTransform), nameof(TargetModulesRegex)]);
            }
        }
        else if (TargetModules is null || TargetModules.Count == 0)
        {
            yield return new ValidationResult($"{nameof(TargetModules)} must name at least one module (or set {nameof(TargetModulesRegex)}).", [nameof(TargetModules)]);
        }
        else if (TargetModules.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult($"{nameof(TargetModules)} must not contain empty names.", [nameof(TargetModules)]);
        }

        if (LayersToTransform is not null && LayersToTransform.Any(i => i < 0))
        {
            yield return new ValidationResult($"{nameof(LayersToTransform)} must hold layer indices of 0 or more (was {string.Join(", ", LayersToTransform)}).", [nameof(LayersToTransform)]);
        }

        if (LayersPattern is not null)
        {
            if (LayersPattern.Length == 0)
            {
                yield return new ValidationResult($"{nameof(LayersPattern)} must not be empty; set it to null to find the index anywhere.", [nameof(LayersPattern)]);
            }
            else if (ParseError(LayersPattern) is { } error)
            {
                yield return new ValidationResult($"{nameof(LayersPattern)} '{LayersPattern}' is not a valid regular expression: {error}", [nameof(LayersPattern)]);
            }

            if (LayersToTransform is not { Count: > 0 })
            {
                yield return new ValidationResult($"{nameof(LayersPattern)} needs {nameof(LayersToTransform)}.", [nameof(LayersPattern), nameof(LayersToTransform)]);
            }
        }

        foreach (var (key, rank) in RankPattern ?? new Dictionary<string, int>())
        {
            if (rank < 1)
            {
                yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"{nameof(RankPattern)}['{key}'] must be at least 1 (was {rank})."), [nameof(RankPattern)]);
            }

            if (ParseError(key) is { } error)
            {
                yield return new ValidationResult($"{nameof(RankPattern)} key '{key}' is not a valid regular expression: {error}", [nameof(RankPattern)]);
            }
        }

        foreach (var (key, alpha) in AlphaPattern ?? new Dictionary<string, double>())
        {
            if (!(alpha > 0) || double.IsInfinity(alpha))
            {
                yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"{nameof(AlphaPattern)}['{key}'] must be positive and finite (was {alpha})."), [nameof(AlphaPattern)]);
            }

            if (ParseError(key) is { } error)
            {
                yield return new ValidationResult($"{nameof(AlphaPattern)} key '{key}' is not a valid regular expression: {error}", [nameof(AlphaPattern)]);
            }
        }

        if (TaskType is not null && string.IsNullOrWhiteSpace(TaskType))
        {
            yield return new ValidationResult($"{nameof(TaskType)} must not be blank.", [nameof(TaskType)]);
        }
    }

    private static string? ParseError(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
