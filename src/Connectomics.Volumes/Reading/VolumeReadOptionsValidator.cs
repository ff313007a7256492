using Microsoft.Extensions.Options;

namespace Connectomics.Volumes.Reading;

/// <summary>The source-generated validator of <see cref="VolumeReadOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class VolumeReadOptionsValidator : IValidateOptions<VolumeReadOptions>;
