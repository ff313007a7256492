using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Reading;

/// <summary>
/// Voxels read from a box of an array: dense, C order, over <see cref="Shape"/> (<c>[z, y, x]</c>, or
/// <c>[c, z, y, x]</c> when the array has a channel axis).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class VolumeRegion<T>
    where T : unmanaged
{
    /// <summary>Initializes a region.</summary>
    /// <param name="box">The box read.</param>
    /// <param name="channels">The number of channels (1 without a channel axis).</param>
    /// <param name="hasChannelAxis">Whether the data has a leading channel axis.</param>
    /// <param name="data">The voxels, <paramref name="channels"/> × the box's voxel count of them.</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> has the wrong length.</exception>
    public VolumeRegion(Box3 box, int channels, bool hasChannelAxis, Memory<T> data)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (data.Length != checked(channels * box.VoxelCount))
        {
            throw new ArgumentException($"A region of {channels} channel(s) over {box} holds {channels * box.VoxelCount} voxels, not {data.Length}.", nameof(data));
        }

        Box = box;
        Channels = channels;
        HasChannelAxis = hasChannelAxis;
        Data = data;
    }

    /// <summary>Gets the box read, in array voxel coordinates (it may reach outside the array).</summary>
    public Box3 Box { get; }

    /// <summary>Gets the number of channels (1 when the array has no channel axis).</summary>
    public int Channels { get; }

    /// <summary>Gets whether <see cref="Data"/> has a leading channel axis.</summary>
    public bool HasChannelAxis { get; }

    /// <summary>Gets the shape of <see cref="Data"/>, C order.</summary>
    public IReadOnlyList<long> Shape => HasChannelAxis
        ? [Channels, Box.Size.Z, Box.Size.Y, Box.Size.X]
        : [Box.Size.Z, Box.Size.Y, Box.Size.X];

    /// <summary>Gets the voxels, C order over <see cref="Shape"/>.</summary>
    public Memory<T> Data { get; }

    /// <summary>Gets the value of one voxel.</summary>
    /// <param name="channel">The channel (0 without a channel axis).</param>
    /// <param name="voxel">The voxel, in array coordinates inside <see cref="Box"/>.</param>
    /// <returns>The value.</returns>
    public T this[int channel, Index3 voxel]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(channel);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
            if (!Box.Contains(voxel))
            {
                throw new ArgumentOutOfRangeException(nameof(voxel), voxel, $"The voxel is outside the region {Box}.");
            }

            var size = Box.Size;
            var offset = voxel - Box.Start;
            return Data.Span[(int)((((channel * size.Z) + offset.Z) * size.Y + offset.Y) * size.X + offset.X)];
        }
    }
}
