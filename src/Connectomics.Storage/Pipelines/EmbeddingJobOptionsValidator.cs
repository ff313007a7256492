using Microsoft.Extensions.Options;

namespace Connectomics.Pipelines;

/// <summary>The source-generated validator of <see cref="EmbeddingJobOptions"/>, its pipeline options included.</summary>
[OptionsValidator]
internal sealed partial class EmbeddingJobOptionsValidator : IValidateOptions<EmbeddingJobOptions>;
