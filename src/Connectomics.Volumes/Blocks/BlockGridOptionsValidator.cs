using Microsoft.Extensions.Options;

namespace Connectomics.Volumes.Blocks;

/// <summary>The source-generated validator of <see cref="BlockGridOptions"/>: its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class BlockGridOptionsValidator : IValidateOptions<BlockGridOptions>;
