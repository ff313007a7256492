namespace Connectomics.Volumes.Errors;

/// <summary>
/// A chunk that the format requires to be stored is missing: a Neuroglancer precomputed chunk file (precomputed has no
/// fill value, and a missing file usually means an upload that did not finish). Open the scale with
/// <c>fillMissing: true</c> (CloudVolume's <c>fill_missing</c>) to read missing chunks as zeros instead. Not an
/// <see cref="IOException"/>, so it is never retried. The message names the array and the chunk key.
/// </summary>
public sealed class MissingChunkException : ConnectomicsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="location">The array (store location and array path).</param>
    /// <param name="chunkKey">The key of the missing chunk, as looked for.</param>
    /// <param name="message">What is wrong, for people; the location and key are prefixed to it.</param>
    public MissingChunkException(string location, string chunkKey, string message)
        : base($"{location}, chunk {chunkKey}: {message}")
    {
        Location = location;
        ChunkKey = chunkKey;
    }

    /// <summary>Gets the array with the missing chunk.</summary>
    public string Location { get; }

    /// <summary>Gets the key of the missing chunk.</summary>
    public string ChunkKey { get; }
}
