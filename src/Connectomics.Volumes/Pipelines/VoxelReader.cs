using System.Buffers;
using System.Runtime.InteropServices;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Pipelines;

/// <summary>Reads a box of any voxel type as raw little-endian bytes (<c>[c, z, y, x]</c>, C order), without a second copy.</summary>
internal static class VoxelReader
{
    /// <summary>Reads <paramref name="box"/>, all channels.</summary>
    public static async ValueTask<byte[]> ReadAsync(VolumeArray array, Box3 box, Boundary boundary, CancellationToken cancellationToken)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Volume pipelines pass voxels as little-endian bytes and run on little-endian machines only.");
        }

        var bytes = new byte[array.RegionByteCount(box)];
        switch (array.Info.DataType)
        {
            case VoxelType.Bool: await ReadAsAsync<bool>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.Int8: await ReadAsAsync<sbyte>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.UInt8: await array.ReadIntoAsync<byte>(box, bytes, boundary, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.Int16: await ReadAsAsync<short>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.UInt16: await ReadAsAsync<ushort>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.Int32: await ReadAsAsync<int>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.UInt32: await ReadAsAsync<uint>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.Int64: await ReadAsAsync<long>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.UInt64: await ReadAsAsync<ulong>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.Float16: await ReadAsAsync<Half>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.Float32: await ReadAsAsync<float>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            case VoxelType.Float64: await ReadAsAsync<double>(array, box, boundary, bytes, cancellationToken).ConfigureAwait(false); break;
            default: throw new ArgumentOutOfRangeException(nameof(array), array.Info.DataType, "Not a voxel type.");
        }

        return bytes;
    }

    private static ValueTask ReadAsAsync<T>(VolumeArray array, Box3 box, Boundary boundary, byte[] bytes, CancellationToken cancellationToken)
        where T : unmanaged
    {
        var view = new ByteArrayMemory<T>(bytes);
        return array.ReadIntoAsync(box, view.Memory, boundary, cancellationToken);
    }

    /// <summary>A byte array seen as elements of <typeparamref name="T"/>.</summary>
    private sealed class ByteArrayMemory<T> : MemoryManager<T>
        where T : unmanaged
    {
        private readonly byte[] _bytes;

        public ByteArrayMemory(byte[] bytes) => _bytes = bytes;

        public override Span<T> GetSpan() => MemoryMarshal.Cast<byte, T>(_bytes.AsSpan());

        public override unsafe MemoryHandle Pin(int elementIndex = 0)
        {
            var handle = GCHandle.Alloc(_bytes, GCHandleType.Pinned);
            var pointer = (byte*)handle.AddrOfPinnedObject() + (elementIndex * sizeof(T));
            return new MemoryHandle(pointer, handle, this);
        }

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
