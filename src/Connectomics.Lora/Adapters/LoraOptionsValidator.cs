using Microsoft.Extensions.Options;

namespace Connectomics.Lora.Adapters;

/// <summary>The source-generated validator of <see cref="LoraOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class LoraOptionsValidator : IValidateOptions<LoraOptions>;
