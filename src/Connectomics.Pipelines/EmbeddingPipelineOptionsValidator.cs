using Microsoft.Extensions.Options;

namespace Connectomics.Pipelines;

/// <summary>The source-generated validator of <see cref="EmbeddingPipelineOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class EmbeddingPipelineOptionsValidator : IValidateOptions<EmbeddingPipelineOptions>;
