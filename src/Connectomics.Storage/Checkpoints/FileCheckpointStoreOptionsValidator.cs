using Microsoft.Extensions.Options;

namespace Connectomics.Storage.Checkpoints;

/// <summary>The source-generated validator of <see cref="FileCheckpointStoreOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class FileCheckpointStoreOptionsValidator : IValidateOptions<FileCheckpointStoreOptions>;
