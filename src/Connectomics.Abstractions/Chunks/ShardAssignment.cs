using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Connectomics.Chunks;

/// <summary>
/// Which part of a run this process does: shard <see cref="Index"/> (0-based) of <see cref="Count"/>. Shards split
/// the work units of a plan between them (<see cref="WorkPlan"/>), append to the same store and resume on their own.
/// </summary>
public sealed record ShardAssignment
{
    /// <summary>The Slurm array job variable with this task's id.</summary>
    public const string SlurmTaskIdVariable = "SLURM_ARRAY_TASK_ID";

    /// <summary>The Slurm array job variable with the number of tasks.</summary>
    public const string SlurmTaskCountVariable = "SLURM_ARRAY_TASK_COUNT";

    /// <summary>The Slurm array job variable with the lowest task id (ids need not start at 0).</summary>
    public const string SlurmTaskMinVariable = "SLURM_ARRAY_TASK_MIN";

    /// <summary>The Kubernetes Indexed Job variable with the pod's completion index.</summary>
    public const string KubernetesIndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>Initializes an assignment.</summary>
    /// <param name="index">The shard, from 0 to <paramref name="count"/> − 1.</param>
    /// <param name="count">The number of shards, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index or count is out of range.</exception>
    public ShardAssignment(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        Index = index;
        Count = count;
    }

    /// <summary>Gets the assignment of a run that is not split: shard 0 of 1.</summary>
    public static ShardAssignment Single { get; } = new(0, 1);

    /// <summary>Gets the shard, from 0.</summary>
    public int Index { get; }

    /// <summary>Gets the number of shards.</summary>
    public int Count { get; }

    /// <summary>Parses <c>i/N</c> (0-based <c>i</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The assignment.</returns>
    /// <exception cref="FormatException">The text is not <c>i/N</c> with 0 ≤ i &lt; N.</exception>
    public static ShardAssignment Parse(string text) =>
        TryParse(text, out var shard) ? shard : throw new FormatException($"'{text}' is not a shard: expected 'i/N' with 0 <= i < N, for example 0/4.");

    /// <summary>Parses <c>i/N</c> (0-based <c>i</c>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="shard">The assignment, when the text is one.</param>
    /// <returns>Whether the text is an assignment.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ShardAssignment? shard)
    {
        shard = null;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash <= 0
            || !int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || index >= count)
        {
            return false;
        }

        shard = new ShardAssignment(index, count);
        return true;
    }

    /// <summary>
    /// Reads the assignment of a Slurm array task (<c>SLURM_ARRAY_TASK_ID</c> − <c>SLURM_ARRAY_TASK_MIN</c> of
    /// <c>SLURM_ARRAY_TASK_COUNT</c>) or a Kubernetes Indexed Job pod (<c>JOB_COMPLETION_INDEX</c> of
    /// <paramref name="count"/>, which Kubernetes does not put in the environment).
    /// </summary>
    /// <param name="environment">The environment variables (<see cref="Environment.GetEnvironmentVariables()"/>).</param>
    /// <param name="count">The number of shards, required for a Kubernetes Indexed Job; checked against Slurm's count.</param>
    /// <returns>The assignment, or null when neither engine's variables are set.</returns>
    /// <exception cref="FormatException">A variable is set but is not a number, or the index is out of range.</exception>
    public static ShardAssignment? FromEnvironment(IDictionary environment, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (Read(environment, SlurmTaskIdVariable) is { } taskId)
        {
            var taskCount = Read(environment, SlurmTaskCountVariable)
                ?? throw new FormatException($"{SlurmTaskIdVariable} is set but {SlurmTaskCountVariable} is not: not an array job?");
            var min = Read(environment, SlurmTaskMinVariable) ?? 0;
            if (count is { } given && given != taskCount)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"The shard count {given} differs from the array job's {SlurmTaskCountVariable}={taskCount}."));
            }

            return Create(taskId - min, taskCount, $"{SlurmTaskIdVariable}={taskId} ({SlurmTaskMinVariable}={min}, {SlurmTaskCountVariable}={taskCount})");
        }

        if (Read(environment, KubernetesIndexVariable) is { } completionIndex)
        {
            var shards = count ?? throw new FormatException(
                $"{KubernetesIndexVariable} is set but the shard count is not given (an Indexed Job's completions).");
            return Create(completionIndex, shards, string.Create(CultureInfo.InvariantCulture, $"{KubernetesIndexVariable}={completionIndex} of {shards}"));
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    private static ShardAssignment Create(long index, long count, string source)
    {
        if (count < 1 || count > int.MaxValue || index < 0 || index >= count)
        {
            throw new FormatException($"{source} is not a shard of the run.");
        }

        return new ShardAssignment((int)index, (int)count);
    }

    private static long? Read(IDictionary environment, string name)
    {
        if (environment[name] is not string text || text.Length == 0)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{name}='{text}' is not a non-negative integer.");
    }
}
