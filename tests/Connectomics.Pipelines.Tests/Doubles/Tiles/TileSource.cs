using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Connectomics.Chunks;

namespace Connectomics.Pipelines.Tests.Doubles.Tiles;

/// <summary>A chunk source over lists of tiles, one list per unit, that logs every read it is asked for.</summary>
public sealed class TileSource : IChunkSource<Tile>
{
    private readonly IReadOnlyList<(WorkUnit Unit, IReadOnlyList<Tile> Tiles)> _units;

    public TileSource(IEnumerable<IReadOnlyList<Tile>> units, bool uniqueIds = true)
    {
        _units = units.Select((tiles, i) => (new WorkUnit($"tiles-{i}", i, new WorkUnitCost(tiles.Count * 10L, tiles.Count)), tiles)).ToList();
        Descriptor = new SourceDescriptor("tiles", TileRows.Columns, new Dictionary<string, string> { ["grid"] = "test" }) { UniqueIds = uniqueIds };
    }

    public SourceDescriptor Descriptor { get; }

    /// <summary>Gets every read asked for: unit key, offset and chunk size, in order.</summary>
    public ConcurrentQueue<(string Unit, long Offset, int ChunkSize)> Reads { get; } = new();

    /// <summary>Gets the ids of the tiles yielded, in order, each time one is.</summary>
    public ConcurrentQueue<string?> Yielded { get; } = new();

    public ValueTask<IReadOnlyList<WorkUnit>> ListUnitsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<WorkUnit>>(_units.Select(u => u.Unit).ToList());

    public async IAsyncEnumerable<RecordChunk<Tile>> ReadAsync(WorkUnit unit, long offset, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Reads.Enqueue((unit.Key, offset, chunkSize));
        var tiles = _units.Single(u => u.Unit.Key == unit.Key).Tiles;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, tiles.Count);
        if (offset == tiles.Count)
        {
            yield return new RecordChunk<Tile>(unit, offset, 0, [], [], true);
            yield break;
        }

        for (var start = (int)offset; start < tiles.Count; start += chunkSize)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(chunkSize, tiles.Count - start);
            var chunk = tiles.Skip(start).Take(count).ToList();
            foreach (var tile in chunk)
            {
                Yielded.Enqueue(tile.Id);
            }

            yield return new RecordChunk<Tile>(unit, start, count, chunk, [], start + count == tiles.Count);
        }
    }
}
