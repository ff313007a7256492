namespace Connectomics.Deploy.Tests.Slurm;

/// <summary>The #SBATCH directives of the shipped job script, read as sbatch reads them (no cluster needed).</summary>
public sealed class EmbedSbatchDirectivesTests
{
    /// <summary>The options of the script's <c>#SBATCH</c> lines, up to the first command, without their comments.</summary>
    private static string[] Directives() =>
        File.ReadLines(EmbedSbatchTests.EmbedSbatch)
            .Skip(1)
            .TakeWhile(line => line.Length == 0 || line.StartsWith('#'))
            .Where(line => line.StartsWith("#SBATCH ", StringComparison.Ordinal))
            .Select(line => line["#SBATCH ".Length..].Split('#')[0].Trim())
            .ToArray();

    [Fact]
    public void Requeued_tasks_run_again_and_append_to_their_own_log()
    {
        var directives = Directives();

        Assert.Contains("--array=0-2", directives);
        Assert.Contains("--requeue", directives);
        Assert.Contains("--open-mode=append", directives);
        Assert.Contains("--output=%x-%A_%a.log", directives);
        Assert.DoesNotContain(directives, d => d.StartsWith("--no-requeue", StringComparison.Ordinal));
    }
}
