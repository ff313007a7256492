using Connectomics.Volumes.Arrays;

namespace Connectomics.Volumes.Conversion;

/// <summary>What a finished conversion wrote.</summary>
public sealed record VolumeConversionResult
{
    /// <summary>Gets the source array.</summary>
    public required ChunkedArrayInfo Source { get; init; }

    /// <summary>Gets the destination array, as written.</summary>
    public required ChunkedArrayInfo Destination { get; init; }

    /// <summary>Gets the number of write units (destination chunks or shards) stored; in Zarr, units that hold only the
    /// fill value are left out of the store, as the format allows.</summary>
    public required long Units { get; init; }

    /// <summary>Gets the bound on the memory the conversion held, in bytes (<see cref="VolumeConverter.MemoryBoundBytes"/>).</summary>
    public required long MemoryBoundBytes { get; init; }

    /// <summary>Gets how long the conversion took.</summary>
    public required TimeSpan Elapsed { get; init; }
}
