namespace Connectomics.Pipelines.Engine;

/// <summary>
/// Named points of a run at which <see cref="PointReached"/> is called, so that crash tests can stop a process at an
/// exact step (a process that sets the hook kills itself there). The hook is null in every other process, and a point
/// then costs one null check.
/// </summary>
internal static class PipelineFaults
{
    /// <summary>A chunk was read and its ids checked; it is about to be handed to the prepare stage.</summary>
    public const string ChunkRead = "chunk-read";

    /// <summary>A chunk's records were prepared; it is about to be handed to the encode stage.</summary>
    public const string ChunkPrepared = "chunk-prepared";

    /// <summary>A chunk's good records were encoded; it is about to be handed to the write stage.</summary>
    public const string ChunkEncoded = "chunk-encoded";

    /// <summary>A chunk's rejected records are in the quarantine; its rows are not yet written.</summary>
    public const string QuarantineWritten = "quarantine-written";

    /// <summary>A chunk's rows were handed to the table writer (not committed).</summary>
    public const string ChunkWritten = "chunk-written";

    /// <summary>A commit is about to start: the rows since the last one are written, nothing of the commit is.</summary>
    public const string BeforeCommit = "before-commit";

    /// <summary>A commit returned: its rows and position are published.</summary>
    public const string AfterCommit = "after-commit";

    /// <summary>Every point, in the order a chunk meets them.</summary>
    public static readonly IReadOnlyList<string> All = [ChunkRead, ChunkPrepared, ChunkEncoded, QuarantineWritten, ChunkWritten, BeforeCommit, AfterCommit];

    /// <summary>
    /// Gets or sets the callback run with a point's name each time a run of this process reaches it; it may be called
    /// from several threads at once. Null outside crash tests.
    /// </summary>
    internal static Action<string>? PointReached { get; set; }

    /// <summary>Calls <see cref="PointReached"/> when it is set.</summary>
    /// <param name="point">One of the point names of this class.</param>
    public static void Reach(string point) => PointReached?.Invoke(point);
}
