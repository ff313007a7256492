using System.ComponentModel.DataAnnotations;

namespace Connectomics.Volumes.Reading;

/// <summary>How a <see cref="VolumeArray"/> reads chunks: how many at once, and how transient failures are retried.
/// Validated when the array is wrapped.</summary>
public sealed class VolumeReadOptions : IValidatableObject
{
    /// <summary>Gets or sets the most chunks read, decoded and copied at once (per <see cref="VolumeArray"/>, over all
    /// its reads together).</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 4096)]
    public int ReadConcurrency { get; set; } = 8;

    /// <summary>Gets or sets how many times a chunk read that failed transiently (an <see cref="IOException"/> other than
    /// not-found, an HTTP failure, a time-out) is tried again. Corrupt data is never retried.</summary>
    /// <value>The default value is 3.</value>
    [Range(0, 100)]
    public int Retries { get; set; } = 3;

    /// <summary>Gets or sets the wait before the first retry; each further retry waits twice as long, up to
    /// <see cref="RetryMaxDelay"/>, and every wait is shortened by a random part of up to half (jitter).</summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest wait between two tries.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new VolumeReadOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(VolumeReadOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks what attributes cannot express: the retry delays.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (RetryBaseDelay < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{nameof(RetryBaseDelay)} {RetryBaseDelay} is negative.", [nameof(RetryBaseDelay)]);
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult(
                $"{nameof(RetryMaxDelay)} {RetryMaxDelay} is shorter than {nameof(RetryBaseDelay)} {RetryBaseDelay}.", [nameof(RetryMaxDelay)]);
        }
    }
}
