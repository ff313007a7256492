using System.Globalization;

namespace Connectomics.Lora.Adapters;

/// <summary>How many parameters train against how many the model holds in all (base and adapters).</summary>
/// <param name="TrainableParameters">The number of scalar parameters that require gradients.</param>
/// <param name="TotalParameters">The number of scalar parameters of the model, adapters included.</param>
public sealed record LoraParameterReport(long TrainableParameters, long TotalParameters)
{
    /// <summary>Gets the trainable share in percent (0 when the model has no parameters).</summary>
    public double TrainablePercentage => TotalParameters == 0 ? 0 : 100.0 * TrainableParameters / TotalParameters;

    /// <summary>Formats the report as <c>trainable params: 5,242,880 || all params: … || trainable%: 0.2075</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"trainable params: {TrainableParameters:N0} || all params: {TotalParameters:N0} || trainable%: {TrainablePercentage:0.####}");
}
