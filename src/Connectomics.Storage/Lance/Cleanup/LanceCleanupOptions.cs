using System.ComponentModel.DataAnnotations;

namespace Connectomics.Storage.Lance;

/// <summary>
/// What <see cref="LanceTable.CleanupAsync"/> removes from a table directory: versions, and files no remaining
/// version refers to, that are older than <see cref="OlderThan"/>.
/// </summary>
public sealed class LanceCleanupOptions : IValidatableObject
{
    private TimeSpan _olderThan = LanceCleanupDefaults.OlderThan;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// Gets or sets the age a version or a file must have reached before it is removed. Files younger than this are
    /// kept, so that the files of a writer still at work survive; <see cref="TimeSpan.Zero"/> removes everything
    /// that no remaining version refers to and is safe only while no one writes to the table.
    /// </summary>
    /// <value>The default value is 7 days, as in LanceDB.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan OlderThan
    {
        get => _olderThan;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _olderThan = value;
        }
    }

    /// <summary>Gets or sets a value indicating whether to report what would be removed without removing anything.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DryRun { get; set; }

    /// <summary>Gets or sets the clock that ages are measured against.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new LanceCleanupOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(LanceCleanupOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks what attributes cannot express: a non-negative age.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (OlderThan < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{nameof(OlderThan)} must not be negative; it is {OlderThan}.", [nameof(OlderThan)]);
        }
    }
}
