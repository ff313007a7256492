using Microsoft.Extensions.Options;

namespace Connectomics.Lora.Optimization;

/// <summary>The source-generated validator of <see cref="AdamWOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class AdamWOptionsValidator : IValidateOptions<AdamWOptions>;
