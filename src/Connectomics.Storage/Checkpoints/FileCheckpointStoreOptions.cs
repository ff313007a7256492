using System.ComponentModel.DataAnnotations;

namespace Connectomics.Storage.Checkpoints;

/// <summary>Where a <see cref="FileCheckpointStore"/> keeps a run's state. Validated when the store is created and,
/// when registered with <c>AddFileCheckpointStore</c>, when the host starts.</summary>
public sealed class FileCheckpointStoreOptions : IValidatableObject
{
    /// <summary>Gets or sets the directory under which each run has its own directory; created when first saved to.</summary>
    /// <value>The default value is <see langword="null"/>; a directory is required.</value>
    [Required]
    public string Directory { get; set; } = null!;

    /// <summary>Gets or sets the run's identifier: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, at most 128
    /// characters, not <c>.</c> or <c>..</c>. Shards of a job use distinct run ids.</summary>
    /// <value>The default value is <see langword="null"/>; a run id is required.</value>
    [Required]
    [MaxLength(128)]
    [RegularExpression("^[A-Za-z0-9._-]+$", ErrorMessage = "The field {0} may hold only letters, digits, '-', '_' and '.'.")]
    public string RunId { get; set; } = null!;

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new FileCheckpointStoreOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(FileCheckpointStoreOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks what attributes cannot express: the reserved run ids and a directory that is a file.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Directory) && File.Exists(Directory))
        {
            yield return new ValidationResult($"{nameof(Directory)} '{Directory}' is a file, not a directory.", [nameof(Directory)]);
        }

        if (RunId is "." or "..")
        {
            yield return new ValidationResult($"{nameof(RunId)} cannot be '{RunId}'.", [nameof(RunId)]);
        }
    }
}
