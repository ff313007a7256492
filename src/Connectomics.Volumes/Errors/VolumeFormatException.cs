namespace Connectomics.Volumes.Errors;

/// <summary>
/// The metadata of a volume is missing, unparsable or inconsistent: no <c>.zarray</c>, <c>zarr.json</c> or <c>info</c>
/// where one was looked for, a missing field, a rank mismatch, an inner chunk that does not divide its shard. The
/// message names the file looked for or read, and the field.
/// </summary>
public sealed class VolumeFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="location">The metadata file or array (store location and key) at fault.</param>
    /// <param name="message">What is wrong, for people; <paramref name="location"/> is prefixed to it.</param>
    /// <param name="innerException">The parser's exception, if any.</param>
    public VolumeFormatException(string location, string message, Exception? innerException = null)
        : base($"{location}: {message}", innerException)
    {
        Location = location;
    }

    /// <summary>Gets the metadata file or array at fault.</summary>
    public string Location { get; }
}
