using System.Numerics.Tensors;

namespace Connectomics.Gpu.Models.UNet;

/// <summary>
/// Pools per-voxel features laid out [D, z, y, x] (C order, as <see cref="UNet3dModel.ComputeFeatures"/> writes them)
/// into one vector for the whole box or one per cell of a regular grid.
/// </summary>
public static class VoxelFeaturePooling
{
    /// <summary>Pools every voxel of the box into one vector.</summary>
    /// <param name="features">The features [D, z, y, x].</param>
    /// <param name="channels">D.</param>
    /// <param name="size">(z, y, x).</param>
    /// <param name="pooling">Mean or max.</param>
    /// <param name="destination">The vector [D].</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public static void PoolBox(ReadOnlySpan<float> features, int channels, VoxelExtent size, VoxelPooling pooling, Span<float> destination) =>
        PoolCells(features, channels, size, size, pooling, destination);

    /// <summary>Gets the number of cells per axis when a box is cut into cells from its origin (the last cell along an
    /// axis is smaller when the cell size does not divide the box).</summary>
    /// <param name="size">The box.</param>
    /// <param name="cellSize">The cell.</param>
    /// <returns>⌈size / cellSize⌉ per axis.</returns>
    public static VoxelExtent CellGrid(VoxelExtent size, VoxelExtent cellSize)
    {
        Check(size, cellSize);
        return new VoxelExtent(Ceiling(size.Z, cellSize.Z), Ceiling(size.Y, cellSize.Y), Ceiling(size.X, cellSize.X));
    }

    /// <summary>
    /// Pools the voxels of each cell of a grid laid from the box's origin (edge cells may be smaller) into one vector;
    /// cells are numbered in C order over <see cref="CellGrid"/>.
    /// </summary>
    /// <param name="features">The features [D, z, y, x].</param>
    /// <param name="channels">D.</param>
    /// <param name="size">(z, y, x).</param>
    /// <param name="cellSize">The cell size.</param>
    /// <param name="pooling">Mean or max.</param>
    /// <param name="destination">The vectors [cells, D].</param>
    /// <exception cref="ArgumentException">A span has the wrong length or a size is not positive.</exception>
    public static void PoolCells(ReadOnlySpan<float> features, int channels, VoxelExtent size, VoxelExtent cellSize, VoxelPooling pooling, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        var grid = CellGrid(size, cellSize);
        if (features.Length != channels * size.Volume)
        {
            throw new ArgumentException($"The features hold {features.Length} values; [{channels}, {size.Z}, {size.Y}, {size.X}] needs {channels * size.Volume}.", nameof(features));
        }

        var cells = grid.Volume;
        if (destination.Length != cells * channels)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {cells} cell(s) × {channels} channel(s) need {cells * channels}.", nameof(destination));
        }

        var sums = pooling == VoxelPooling.Mean ? new double[destination.Length] : null;
        if (pooling == VoxelPooling.Max)
        {
            destination.Fill(float.NegativeInfinity);
        }

        for (var d = 0; d < channels; d++)
        {
            for (var z = 0; z < size.Z; z++)
            {
                var cz = z / cellSize.Z;
                for (var y = 0; y < size.Y; y++)
                {
                    var cy = y / cellSize.Y;
                    var row = features.Slice((int)((((((long)d * size.Z) + z) * size.Y) + y) * size.X), size.X);
                    var cellRow = ((long)cz * grid.Y + cy) * grid.X;
                    for (var cx = 0; cx < grid.X; cx++)
                    {
                        var start = cx * cellSize.X;
                        var segment = row.Slice(start, Math.Min(cellSize.X, size.X - start));
                        var slot = (int)(((cellRow + cx) * channels) + d);
                        if (sums is not null)
                        {
                            sums[slot] += TensorPrimitives.Sum(segment);
                        }
                        else
                        {
                            destination[slot] = Math.Max(destination[slot], TensorPrimitives.Max(segment));
                        }
                    }
                }
            }
        }

        if (sums is null)
        {
            return;
        }

        for (var cell = 0L; cell < cells; cell++)
        {
            var cz = (int)(cell / ((long)grid.Y * grid.X));
            var cy = (int)(cell / grid.X % grid.Y);
            var cx = (int)(cell % grid.X);
            var count = (double)Extent(size.Z, cellSize.Z, cz) * Extent(size.Y, cellSize.Y, cy) * Extent(size.X, cellSize.X, cx);
            for (var d = 0; d < channels; d++)
            {
                var slot = (int)((cell * channels) + d);
                destination[slot] = (float)(sums[slot] / count);
            }
        }
    }

    private static int Extent(int size, int cell, int index) => Math.Min(cell, size - (index * cell));

    private static int Ceiling(int a, int b) => (a + b - 1) / b;

    private static void Check(VoxelExtent size, VoxelExtent cellSize)
    {
        if (size.Z <= 0 || size.Y <= 0 || size.X <= 0)
        {
            throw new ArgumentException($"The box size must be positive along every axis (was {size}).", nameof(size));
        }

        if (cellSize.Z <= 0 || cellSize.Y <= 0 || cellSize.X <= 0)
        {
            throw new ArgumentException($"The cell size must be positive along every axis (was {cellSize}).", nameof(cellSize));
        }
    }
}
