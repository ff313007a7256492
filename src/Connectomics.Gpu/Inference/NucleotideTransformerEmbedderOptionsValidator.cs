using Microsoft.Extensions.Options;

namespace Connectomics.Gpu.Inference;

/// <summary>The source-generated validator of <see cref="NucleotideTransformerEmbedderOptions"/>: its attributes,
/// then its <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class NucleotideTransformerEmbedderOptionsValidator : IValidateOptions<NucleotideTransformerEmbedderOptions>;
