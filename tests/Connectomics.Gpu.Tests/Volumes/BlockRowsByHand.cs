using System.Globalization;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Gpu.Tests.Volumes;

/// <summary>Rows of a block made by hand: the whole write box, cells of a grid laid from the volume origin (cut to the
/// write box), and one point.</summary>
internal static class BlockRowsByHand
{
    public static List<BlockRow> Make(long blockId, Box3 writeBox, long cell)
    {
        var rows = new List<BlockRow> { new($"b{blockId}", writeBox, 1f) };
        for (var z = writeBox.Start.Z; z < writeBox.Stop.Z; z += cell)
        {
            for (var y = writeBox.Start.Y; y < writeBox.Stop.Y; y += cell)
            {
                for (var x = writeBox.Start.X; x < writeBox.Stop.X; x += cell)
                {
                    var start = new Index3(z, y, x);
                    var box = new Box3(start, Index3.Min(start + Index3.All(cell), writeBox.Stop));
                    rows.Add(new BlockRow(string.Create(CultureInfo.InvariantCulture, $"c{z}_{y}_{x}"), box, 1f));
                }
            }
        }

        var size = writeBox.Size;
        var point = writeBox.Start + new Index3(size.Z * 2 / 3, size.Y / 3, size.X - 1);
        rows.Add(new BlockRow($"p{blockId}", Box3.FromStartSize(point, Index3.All(1)), 1f) { Point = point });
        return rows;
    }
}
