using Microsoft.Extensions.Options;

namespace Connectomics.Lora.Training;

/// <summary>The source-generated validator of <see cref="MaskedLmPretrainingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class MaskedLmPretrainingOptionsValidator : IValidateOptions<MaskedLmPretrainingOptions>;
