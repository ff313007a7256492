using Connectomics.Embeddings;

namespace Connectomics.Storage.Tests.Pipelines.Tiles;

/// <summary>
/// Row <c>r</c> of tile <c>t</c> (the <c>k</c>-th) has the vector (k, r, k · r + 0.5); the tiles in
/// <see cref="Failing"/> cannot be prepared.
/// </summary>
public sealed class TileModel : IEmbeddingModel<Tile>
{
    public ModelDescriptor Descriptor { get; } = new("tile-model", 3, "7117");

    public HashSet<string> Failing { get; init; } = [];

    public static float[] VectorOf(int tile, int row) => [tile, row, (tile * row) + 0.5f];

    public PreparedInput Prepare(Tile input) =>
        Failing.Contains(input.Id) ? PreparedInput.Unusable($"tile {input.Id} is unreadable") : PreparedInput.Usable(input, input.Rows);

    public Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ReadOnlyMemory<float>>>([.. inputs.Select(i => (Tile)i.Payload!).Select(t =>
            (ReadOnlyMemory<float>)Enumerable.Range(0, t.Rows).SelectMany(r => VectorOf(int.Parse(t.Id[1..], System.Globalization.CultureInfo.InvariantCulture), r)).ToArray())]);

    public void Dispose()
    {
    }
}
