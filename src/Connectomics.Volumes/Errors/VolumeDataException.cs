namespace Connectomics.Volumes.Errors;

/// <summary>
/// A stored chunk is corrupt: it fails to decompress, fails its checksum, has Blosc sizes that disagree, decodes to the
/// wrong number of bytes for its element type and shape, or a shard index is truncated. Corrupt data is never retried.
/// The message names the array and the chunk key.
/// </summary>
public sealed class VolumeDataException : ConnectomicsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="location">The array (store location and array path).</param>
    /// <param name="chunkKey">The key of the chunk or shard at fault.</param>
    /// <param name="message">What is wrong, for people; the location and key are prefixed to it.</param>
    /// <param name="innerException">The codec's exception, if any.</param>
    public VolumeDataException(string location, string chunkKey, string message, Exception? innerException = null)
        : base($"{location}, chunk {chunkKey}: {message}", innerException)
    {
        Location = location;
        ChunkKey = chunkKey;
    }

    /// <summary>Gets the array at fault.</summary>
    public string Location { get; }

    /// <summary>Gets the key of the chunk or shard at fault.</summary>
    public string ChunkKey { get; }
}
