namespace Connectomics.Deploy.Tests.Slurm;

/// <summary>What <c>sbatch --parsable --wait</c> returned: its exit code (the highest of the job's tasks), the job id
/// it printed (null when the submission was refused) and its output.</summary>
public sealed record SbatchResult(int ExitCode, long? JobId, string Stdout, string Stderr)
{
    /// <summary>Gets the result as one line for assertion messages.</summary>
    public override string ToString() => $"sbatch exited with {ExitCode} (job {JobId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {Stderr.Trim()} {Stdout.Trim()}";
}
