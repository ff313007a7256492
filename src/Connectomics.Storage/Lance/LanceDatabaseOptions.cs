using System.ComponentModel.DataAnnotations;

namespace Connectomics.Storage.Lance;

/// <summary>Which directory a <see cref="LanceDatabase"/> opens. Validated when the database is opened and, when
/// registered with <c>AddLanceDatabase</c>, when the host starts.</summary>
public sealed class LanceDatabaseOptions : IValidatableObject
{
    /// <summary>Gets or sets the database directory, whose <c>&lt;name&gt;.lance</c> sub-directories are tables;
    /// created when the first table is written.</summary>
    /// <value>The default value is <see langword="null"/>; a directory is required.</value>
    [Required]
    public string Directory { get; set; } = null!;

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new LanceDatabaseOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(LanceDatabaseOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks what attributes cannot express: a path that names a file.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Directory) && File.Exists(Directory))
        {
            yield return new ValidationResult($"{nameof(Directory)} '{Directory}' is a file, not a directory.", [nameof(Directory)]);
        }
    }
}
