using Microsoft.Extensions.Options;

namespace Connectomics.Gpu.Volumes;

/// <summary>The source-generated validator of <see cref="UNetBlockEmbedderOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class UNetBlockEmbedderOptionsValidator : IValidateOptions<UNetBlockEmbedderOptions>;
