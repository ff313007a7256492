using Microsoft.Extensions.Options;

namespace Connectomics.Storage.Parquet;

/// <summary>The source-generated validator of <see cref="ParquetChunkSourceOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class ParquetChunkSourceOptionsValidator : IValidateOptions<ParquetChunkSourceOptions>;
