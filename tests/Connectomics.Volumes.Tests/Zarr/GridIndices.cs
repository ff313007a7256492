namespace Connectomics.Volumes.Tests.Zarr;

/// <summary>Enumerates the indices of an N-dimensional grid, shared by the Zarr v2 and v3 whole-array helpers.</summary>
internal static class GridIndices
{
    /// <summary>Every index of a grid of <paramref name="grid"/> extents, C order (last axis fastest); none when an
    /// extent is 0. Each index is a fresh array.</summary>
    public static IEnumerable<long[]> All(IReadOnlyList<long> grid)
    {
        if (grid.Any(extent => extent == 0))
        {
            yield break;
        }

        var index = new long[grid.Count];
        while (true)
        {
            yield return (long[])index.Clone();
            var axis = grid.Count - 1;
            while (axis >= 0 && ++index[axis] == grid[axis])
            {
                index[axis] = 0;
                axis--;
            }

            if (axis < 0)
            {
                yield break;
            }
        }
    }
}
