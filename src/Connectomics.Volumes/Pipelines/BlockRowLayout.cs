using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Pipelines;

/// <summary>Cuts a block's write box into the rows it makes: the whole box, cells of a grid, or the points in it.</summary>
internal sealed class BlockRowLayout
{
    private readonly Dictionary<long, List<VolumePoint>> _pointsByBlock;

    private BlockRowLayout(RowGranularity granularity, Index3 cellSize, Dictionary<long, List<VolumePoint>> pointsByBlock, string setting)
    {
        Granularity = granularity;
        CellSize = cellSize;
        _pointsByBlock = pointsByBlock;
        Setting = setting;
    }

    public RowGranularity Granularity { get; }

    public Index3 CellSize { get; }

    /// <summary>Gets the layout as a source setting: <c>block</c>, <c>cells (z, y, x)</c> or <c>points n sha256:…</c>.</summary>
    public string Setting { get; }

    /// <summary>Creates the layout of <paramref name="settings"/> over <paramref name="grid"/>; the points must lie in the volume.</summary>
    public static BlockRowLayout Create(VolumeEmbedSettings settings, BlockGrid grid)
    {
        var byBlock = new Dictionary<long, List<VolumePoint>>();
        switch (settings.Granularity)
        {
            case RowGranularity.Cell:
                return new BlockRowLayout(RowGranularity.Cell, settings.CellSize, byBlock, $"cells {settings.CellSize}");
            case RowGranularity.Point:
                using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    foreach (var point in settings.Points)
                    {
                        var relative = point.Voxel - grid.Volume.Start;
                        var index = new Index3(relative.Z / grid.BlockSize.Z, relative.Y / grid.BlockSize.Y, relative.X / grid.BlockSize.X);
                        var id = grid.GetBlock(index).Id;
                        if (!byBlock.TryGetValue(id, out var list))
                        {
                            byBlock[id] = list = [];
                        }

                        list.Add(point);
                        hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{point.Id}\n{point.Voxel}\n")));
                    }

                    var columns = string.Join(",", settings.PointColumns.Select(c => c.Name));
                    return new BlockRowLayout(RowGranularity.Point, Index3.Zero, byBlock, string.Create(CultureInfo.InvariantCulture,
                        $"points {settings.Points.Count} sha256:{Convert.ToHexStringLower(hash.GetHashAndReset())} columns [{columns}]"));
                }

            default:
                return new BlockRowLayout(RowGranularity.Block, Index3.Zero, byBlock, "block");
        }
    }

    /// <summary>Gets whether a per-point layout has no point in the block.</summary>
    public bool HasNoPoints(Block block) => Granularity == RowGranularity.Point && !_pointsByBlock.ContainsKey(block.Id);

    /// <summary>Gets the block's rows without their filled share: id, box and point.</summary>
    public IEnumerable<(string Id, Box3 Box, VolumePoint? Point)> Rows(Block block)
    {
        var blockId = VolumeBlockRows.BlockRowId(block.Id);
        switch (Granularity)
        {
            case RowGranularity.Cell:
                var write = block.WriteBox;
                var size = write.Size;
                var cells = new Index3(Ceiling(size.Z, CellSize.Z), Ceiling(size.Y, CellSize.Y), Ceiling(size.X, CellSize.X));
                var index = 0L;
                for (var z = 0L; z < cells.Z; z++)
                {
                    for (var y = 0L; y < cells.Y; y++)
                    {
                        for (var x = 0L; x < cells.X; x++, index++)
                        {
                            var start = write.Start + (new Index3(z, y, x) * CellSize);
                            yield return (string.Create(CultureInfo.InvariantCulture, $"{blockId}/c{index}"),
                                new Box3(start, Index3.Min(start + CellSize, write.Stop)), null);
                        }
                    }
                }

                break;
            case RowGranularity.Point:
                if (_pointsByBlock.TryGetValue(block.Id, out var points))
                {
                    foreach (var point in points)
                    {
                        yield return (point.Id, Box3.FromStartSize(point.Voxel, Index3.All(1)), point);
                    }
                }

                break;
            default:
                yield return (blockId, block.WriteBox, null);
                break;
        }
    }

    private static long Ceiling(long value, long divisor) => (value + divisor - 1) / divisor;
}
