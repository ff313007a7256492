using Microsoft.Extensions.Options;

namespace Connectomics.Volumes.Conversion;

/// <summary>The source-generated validator of <see cref="VolumeConversionOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class VolumeConversionOptionsValidator : IValidateOptions<VolumeConversionOptions>;
