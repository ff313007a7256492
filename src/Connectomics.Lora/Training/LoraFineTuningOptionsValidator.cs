using Microsoft.Extensions.Options;

namespace Connectomics.Lora.Training;

/// <summary>The source-generated validator of <see cref="LoraFineTuningOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class LoraFineTuningOptionsValidator : IValidateOptions<LoraFineTuningOptions>;
