using System.Globalization;
using Connectomics.Chunks;

namespace Connectomics.Samples.Cli;

/// <summary>
/// Which shard this process is: <c>--shard i/N</c>; else a Slurm array task's or a Kubernetes Indexed Job pod's
/// (whose count comes from <c>--shard-count</c> or <c>CONNECTOMICS_SHARD_COUNT</c>); else the only one.
/// </summary>
internal static class ShardResolution
{
    public const string ShardCountVariable = "CONNECTOMICS_SHARD_COUNT";

    public static (ShardAssignment Shard, string Source) Resolve(string? shard, int? shardCount)
    {
        if (shard is not null)
        {
            var parsed = ShardAssignment.Parse(shard);
            if (shardCount is { } count && count != parsed.Count)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"--shard {shard} and --shard-count {count} disagree."));
            }

            return (parsed, "--shard");
        }

        var environment = Environment.GetEnvironmentVariables();
        var countText = environment[ShardCountVariable] as string;
        int? fromEnvironment = null;
        if (!string.IsNullOrEmpty(countText))
        {
            fromEnvironment = int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new FormatException($"{ShardCountVariable}='{countText}' is not a positive integer.");
        }

        var found = ShardAssignment.FromEnvironment(environment, shardCount ?? fromEnvironment);
        if (found is not null)
        {
            return (found, environment[ShardAssignment.SlurmTaskIdVariable] is string ? "Slurm array job" : "Kubernetes Indexed Job");
        }

        if ((shardCount ?? fromEnvironment) is > 1)
        {
            throw new FormatException("A shard count is given but not which shard this is: use --shard i/N, or run as a Slurm array task or a Kubernetes Indexed Job.");
        }

        return (ShardAssignment.Single, "default");
    }
}
