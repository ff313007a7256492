using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Connectomics.Deploy.Tests.Slurm;

/// <summary>
/// A one-node Slurm cluster on this machine, started by <c>tools/slurm/start-cluster.sh</c> in a folder and on ports
/// of its own, and stopped (folder removed) by <c>tools/slurm/stop-cluster.sh</c> on dispose.
/// </summary>
/// <remarks>
/// Without Slurm and MUNGE installed the tests that use it fail with a message saying so; CI installs them
/// (<c>.ci/run</c>). Elsewhere, leave them out with <c>--filter "Category!=Slurm"</c>.
/// </remarks>
public sealed class SlurmCluster : IAsyncLifetime
{
    private static readonly string[] RequiredCommands = ["munged", "mungekey", "slurmctld", "slurmd", "sbatch", "sinfo", "scancel"];

    private readonly TempDirectory _folder = new("connectomics-slurm");
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    /// <summary>Gets the variables the start script exported (<c>SLURM_CONF</c> and the cluster's folder).</summary>
    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>Gets the path of the cluster's <c>slurm.conf</c>.</summary>
    public string ConfigPath => _environment["SLURM_CONF"];

    private static string Script(string name) => Path.Combine(RepositoryRoot.Path, "tools", "slurm", name);

    private string ClusterFolder => Path.Combine(_folder.Path, "cluster");

    public async Task InitializeAsync()
    {
        var missing = RequiredCommands.Where(c => !OnPath(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"Slurm is not installed here ({string.Join(", ", missing)} not on PATH). These tests start a one-node cluster with tools/slurm/start-cluster.sh: " +
                "install the Debian packages slurm-wlm and munge (.ci/run does), or leave the Slurm tests out with dotnet test --filter \"Category!=Slurm\".");
        }

        var (controllerPort, nodePort) = TwoFreePorts();
        var (code, stdout, stderr) = await LanceDbClientInstall.ExecAsync(
            Script("start-cluster.sh"), [], _folder.Path,
            ("CONNECTOMICS_SLURM_DIR", ClusterFolder),
            ("CONNECTOMICS_SLURMCTLD_PORT", controllerPort.ToString(CultureInfo.InvariantCulture)),
            ("CONNECTOMICS_SLURMD_PORT", nodePort.ToString(CultureInfo.InvariantCulture)));
        if (code != 0)
        {
            throw new InvalidOperationException($"tools/slurm/start-cluster.sh exited with {code}:\n{stderr}\n{stdout}");
        }

        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            const string Export = "export ";
            if (line.StartsWith(Export, StringComparison.Ordinal) && line.IndexOf('=', StringComparison.Ordinal) is var equals and > 0)
            {
                _environment[line[Export.Length..equals]] = line[(equals + 1)..];
            }
        }

        if (!_environment.ContainsKey("SLURM_CONF"))
        {
            throw new InvalidOperationException($"tools/slurm/start-cluster.sh did not export SLURM_CONF:\n{stdout}");
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            var (code, stdout, stderr) = await LanceDbClientInstall.ExecAsync(Script("stop-cluster.sh"), [], RepositoryRoot.Path, ("CONNECTOMICS_SLURM_DIR", ClusterFolder));
            if (code != 0)
            {
                throw new InvalidOperationException($"tools/slurm/stop-cluster.sh exited with {code}:\n{stderr}\n{stdout}");
            }
        }
        finally
        {
            _folder.Dispose();
        }
    }

    /// <summary>
    /// Submits a batch script with <c>sbatch --parsable --wait</c> from <paramref name="workingDirectory"/> and returns
    /// when every task of the job has ended; the variables in <paramref name="environment"/> reach the job (sbatch
    /// exports the submitting environment).
    /// </summary>
    public async Task<SbatchResult> SubmitAndWaitAsync(string script, string workingDirectory, IEnumerable<string> options, params (string Name, string Value)[] environment)
    {
        var (code, stdout, stderr) = await LanceDbClientInstall.ExecAsync(
            "sbatch", ["--parsable", "--wait", .. options, script], workingDirectory,
            [.. _environment.Select(e => (e.Key, e.Value)), .. environment]);

        // --parsable prints "<job id>" or "<job id>;<cluster>" on submission.
        var first = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        var jobId = long.TryParse(first.Split(';')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (long?)null;
        return new SbatchResult(code, jobId, stdout, stderr);
    }

    private static bool OnPath(string command) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"])
            .Any(directory => File.Exists(Path.Combine(directory, command)));

    private static (int, int) TwoFreePorts()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
    }
}
