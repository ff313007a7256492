using Connectomics.Chunks;

namespace Connectomics.Pipelines.Tests.Doubles.Tiles;

/// <summary>A tile pipeline over the doubles; the quarantine and model failures can be shared between runs.</summary>
public sealed class TileScenario(TileSource source, MemoryVectorStore? store = null)
{
    public const string Table = "tiles";

    public TileSource Source { get; } = source;

    public MemoryVectorStore Store { get; } = store ?? new MemoryVectorStore();

    public TileModel Model { get; init; } = new();

    public MemoryQuarantine Quarantine { get; init; } = new();

    public RecordingLoggerFactory Logs { get; } = new();

    public int ChunkSize { get; set; } = 2;

    public long CheckpointRows { get; set; } = 1_000;

    public long? CheckpointRecords { get; set; }

    public bool RetryQuarantined { get; set; } = true;

    public MemoryVectorTable Output => Store[Table];

    public Task<PipelineResult> RunAsync(IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default) =>
        EmbeddingPipeline.From(Source, new TileRows())
            .Embed(Model, e => e.TokensPerBatch(4).PrepareWorkers(2).EncodeWorkers(2))
            .To(Store, Table)
            .CheckpointEvery(TimeSpan.FromHours(1), CheckpointRows)
            .OnBadRecords(BadRecordPolicy.Quarantine, Quarantine)
            .Configure(o =>
            {
                o.ChunkSize = ChunkSize;
                o.QueueCapacity = 2;
                o.CheckpointRecords = CheckpointRecords;
                o.RetryQuarantined = RetryQuarantined;
            })
            .UseLoggerFactory(Logs)
            .RunAsync(progress, cancellationToken);

    /// <summary>Tiles <c>u{u}-t{i}</c> in units of the given row counts, labels <c>10 · u + i</c>.</summary>
    public static List<IReadOnlyList<Tile>> Units(params int[][] rows) =>
        [.. rows.Select((unit, u) => (IReadOnlyList<Tile>)[.. unit.Select((r, i) => new Tile($"u{u}-t{i}", r, (10 * u) + i))])];

    /// <summary>The rows an uninterrupted run without failures writes, in order: id, label and vector.</summary>
    public static List<(string Id, long Label, float[] Vector)> ExpectedRows(IEnumerable<IReadOnlyList<Tile>> units) =>
        [.. units.SelectMany(u => u).SelectMany(t => Enumerable.Range(0, t.Rows).Select(r => ($"{t.Id}/{r}", (100L * t.Label) + r, TileModel.VectorOf(t.Id!, r))))];

    public static WorkPosition At(int unit, long offset) => WorkPosition.Within($"tiles-{unit}", offset);
}
