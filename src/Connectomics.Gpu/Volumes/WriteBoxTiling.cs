using Connectomics.Gpu.Models.UNet;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Gpu.Volumes;

/// <summary>
/// Cuts a block's output region into tiles for the network. Along each axis tiles start at the write box's start plus
/// multiples of the tile size (itself a multiple of the output stride, and the write box starts at a multiple of it,
/// so every tile starts at a volume-aligned stride multiple, where the network is translation-equivariant). The last
/// tile is made as small as the network allows; when that still reaches past the block's output region it is moved
/// back by whole strides to end there, and owns only the voxels no earlier tile owns.
/// </summary>
internal static class WriteBoxTiling
{
    /// <summary>The smallest output size the network produces that is at least <paramref name="size"/> along an axis.</summary>
    public static long ValidOutputAtLeast(UNet3dGeometry geometry, int axis, long size)
    {
        long minimum = geometry.MinimumOutputSize[axis];
        long stride = geometry.OutputStride[axis];
        return size <= minimum ? minimum : minimum + ((size - minimum + stride - 1) / stride * stride);
    }

    /// <summary>The output size per axis the block computes: the smallest produced size covering the write box.</summary>
    public static Index3 BlockOutputSize(UNet3dGeometry geometry, Index3 writeSize) => new(
        ValidOutputAtLeast(geometry, 0, writeSize.Z), ValidOutputAtLeast(geometry, 1, writeSize.Y), ValidOutputAtLeast(geometry, 2, writeSize.X));

    /// <summary>Plans the tiles of a write box, z slowest.</summary>
    /// <param name="writeBox">The write box (not empty).</param>
    /// <param name="geometry">The network's size arithmetic.</param>
    /// <param name="wanted">The tile output size asked for.</param>
    /// <returns>The tiles.</returns>
    public static List<WriteBoxTile> Plan(Box3 writeBox, UNet3dGeometry geometry, VoxelExtent wanted)
    {
        var z = Axis(writeBox, geometry, wanted, 0);
        var y = Axis(writeBox, geometry, wanted, 1);
        var x = Axis(writeBox, geometry, wanted, 2);
        var tiles = new List<WriteBoxTile>(z.Count * y.Count * x.Count);
        foreach (var tz in z)
        {
            foreach (var ty in y)
            {
                foreach (var tx in x)
                {
                    tiles.Add(new WriteBoxTile(
                        new Box3(new Index3(tz.ComputedStart, ty.ComputedStart, tx.ComputedStart), new Index3(tz.ComputedStop, ty.ComputedStop, tx.ComputedStop)),
                        new Box3(new Index3(tz.OwnedStart, ty.OwnedStart, tx.OwnedStart), new Index3(tz.OwnedStop, ty.OwnedStop, tx.OwnedStop))));
                }
            }
        }

        return tiles;
    }

    private static List<AxisTile> Axis(Box3 writeBox, UNet3dGeometry geometry, VoxelExtent wanted, int axis)
    {
        var start = writeBox.Start[axis];
        var size = writeBox.Size[axis];
        var output = ValidOutputAtLeast(geometry, axis, size);
        long stride = geometry.OutputStride[axis];
        var tile = Math.Min(Math.Max(wanted[axis] / stride * stride, geometry.MinimumOutputSize[axis]), output);
        var tiles = new List<AxisTile>((int)((size + tile - 1) / tile));
        for (long owned = 0; owned < size; owned += tile)
        {
            var ownedStop = Math.Min(owned + tile, size);
            var computed = Math.Min(tile, ValidOutputAtLeast(geometry, axis, ownedStop - owned));
            var computedStart = Math.Min(owned, output - computed);
            tiles.Add(new AxisTile(start + computedStart, start + computedStart + computed, start + owned, start + ownedStop));
        }

        return tiles;
    }

    private readonly record struct AxisTile(long ComputedStart, long ComputedStop, long OwnedStart, long OwnedStop);
}
