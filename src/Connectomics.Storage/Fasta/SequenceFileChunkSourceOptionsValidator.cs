using Microsoft.Extensions.Options;

namespace Connectomics.Storage.Fasta;

/// <summary>The source-generated validator of <see cref="SequenceFileChunkSourceOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class SequenceFileChunkSourceOptionsValidator : IValidateOptions<SequenceFileChunkSourceOptions>;
