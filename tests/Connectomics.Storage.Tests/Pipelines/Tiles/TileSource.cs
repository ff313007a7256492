using System.Runtime.CompilerServices;
using Connectomics.Chunks;

namespace Connectomics.Storage.Tests.Pipelines.Tiles;

/// <summary>One unit of tiles, read in chunks; ids are unique.</summary>
public sealed class TileSource(IReadOnlyList<Tile> tiles) : IChunkSource<Tile>
{
    private readonly WorkUnit _unit = new("tiles", 0, new WorkUnitCost(tiles.Count, tiles.Count));

    public SourceDescriptor Descriptor { get; } = new("tiles", TileRows.Columns, new Dictionary<string, string>()) { UniqueIds = true };

    public ValueTask<IReadOnlyList<WorkUnit>> ListUnitsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<WorkUnit>>([_unit]);

    public async IAsyncEnumerable<RecordChunk<Tile>> ReadAsync(WorkUnit unit, long offset, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (offset == tiles.Count)
        {
            yield return new RecordChunk<Tile>(unit, offset, 0, [], [], true);
            yield break;
        }

        for (var start = (int)offset; start < tiles.Count; start += chunkSize)
        {
            var count = Math.Min(chunkSize, tiles.Count - start);
            yield return new RecordChunk<Tile>(unit, start, count, [.. tiles.Skip(start).Take(count)], [], start + count == tiles.Count);
        }
    }
}
