using System.Collections.Concurrent;
using Connectomics.Embeddings;

namespace Connectomics.Pipelines.Tests.Doubles.Tiles;

/// <summary>
/// A model of tiles: a tile's input costs its row count, and its output is its rows' vectors one after another, row
/// <c>r</c> of tile <c>t</c> being <see cref="VectorOf"/>(t, r). A tile listed in <see cref="Failures"/> is unusable
/// as many times as listed there (the dictionary can be shared between runs, so a tile fails once, then succeeds).
/// </summary>
public sealed class TileModel : IEmbeddingModel<Tile>
{
    public const int Dimension = 3;

    public ModelDescriptor Descriptor { get; } = new("tile-model", Dimension, "7117");

    /// <summary>Gets the failures still to come, by tile id.</summary>
    public ConcurrentDictionary<string, int> Failures { get; init; } = new();

    /// <summary>Gets or sets a tile id whose output is one value short.</summary>
    public string? ShortOutputFor { get; set; }

    /// <summary>Gets the ids of the tiles prepared, in order.</summary>
    public ConcurrentQueue<string> Prepared { get; } = new();

    /// <summary>Gets the ids of the tiles encoded.</summary>
    public ConcurrentQueue<string> Encoded { get; } = new();

    public FailurePoint EncodeFailure { get; } = new("encode");

    public static float[] VectorOf(string tile, int row) =>
        [.. Enumerable.Range(0, Dimension).Select(d => (tile.Sum(c => c) % 1000) + (row * 10f) + (d * 0.25f))];

    public PreparedInput Prepare(Tile input)
    {
        Assert.True(input.Rows > 0, $"tile {input.Id} makes no row and should not be prepared");
        Prepared.Enqueue(input.Id!);
        var id = input.Id!;
        if (Failures.TryGetValue(id, out var left) && left > 0)
        {
            Failures[id] = left - 1;
            return PreparedInput.Unusable($"tile {id} failed ({left} failure(s) to go)");
        }

        return PreparedInput.Usable(input, input.Rows);
    }

    public async Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        EncodeFailure.Hit();
        var outputs = new List<ReadOnlyMemory<float>>();
        foreach (var input in inputs)
        {
            var tile = (Tile)input.Payload!;
            Encoded.Enqueue(tile.Id!);
            var values = Enumerable.Range(0, tile.Rows).SelectMany(r => VectorOf(tile.Id!, r)).ToArray();
            outputs.Add(tile.Id == ShortOutputFor ? values.AsMemory(1) : values);
        }

        return outputs;
    }

    public void Dispose()
    {
    }
}
