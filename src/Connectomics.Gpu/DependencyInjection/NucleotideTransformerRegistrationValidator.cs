using Microsoft.Extensions.Options;

namespace Connectomics.Gpu.DependencyInjection;

/// <summary>The source-generated validator of <see cref="NucleotideTransformerRegistration"/>: the embedder options,
/// then the choice of model.</summary>
[OptionsValidator]
internal sealed partial class NucleotideTransformerRegistrationValidator : IValidateOptions<NucleotideTransformerRegistration>;
