using System.Globalization;

namespace Connectomics.CrashTests;

/// <summary>
/// Shared by the crash tests: the inputs, made once, and an uninterrupted reference run of the tool on each, with the
/// number of times it reached each named point and what it left in its database.
/// </summary>
public sealed class CrashRuns : IAsyncLifetime
{
    public const string Table = "reads";
    private const string RunId = "crash";

    private readonly TempDirectory _work = new("connectomics-crash");
    private readonly Dictionary<CrashInput, ReferenceRun> _references = [];

    private string ParquetPath => Path.Combine(_work.Path, "in", "reads.parquet");

    private string FastaPath => Path.Combine(_work.Path, "in", "reads.fa.gz");

    /// <summary>Gets a new, empty directory for a database.</summary>
    public string NewDatabase(string name)
    {
        var path = Path.Combine(_work.Path, "db", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Gets the command line that embeds <paramref name="input"/> into table <see cref="Table"/> of <paramref name="database"/>.</summary>
    /// <remarks>Small commits (300 rows: every two row groups of the Parquet file, every chunk of the FASTA file), the
    /// tiny preset on the CPU, bad records quarantined beside the table.</remarks>
    public IReadOnlyList<string> Arguments(CrashInput input, string database) => input switch
    {
        CrashInput.Parquet =>
        [
            "--input", ParquetPath, "--id-column", CrashInputs.IdColumn, "--sequence-column", CrashInputs.SequenceColumn, "--keep", "taxonomy,depth",
            .. Common(database),
        ],
        _ => ["--input", FastaPath, .. Common(database)],
    };

    internal ReferenceRun ReferenceOf(CrashInput input) => _references[input];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ParquetPath)!);
        CrashInputs.WriteParquet(ParquetPath);
        CrashInputs.WriteFastaGz(FastaPath);
        foreach (var input in Enum.GetValues<CrashInput>())
        {
            var database = NewDatabase($"reference-{input}".ToLowerInvariant());
            var countsFile = Path.Combine(_work.Path, $"counts-{input}.txt".ToLowerInvariant());
            var run = await EmbedTool.RunAsync(Arguments(input, database), new Dictionary<string, string> { ["CONNECTOMICS_POINT_COUNTS"] = countsFile });
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"The reference run of {input} failed: {run.Describe()}");
            }

            var counts = File.ReadAllLines(countsFile)
                .Select(l => l.Split(' '))
                .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
            _references[input] = new ReferenceRun(database, counts, await TableSnapshot.ReadAsync(database, Table), run.Elapsed);
        }
    }

    public Task DisposeAsync()
    {
        _work.Dispose();
        return Task.CompletedTask;
    }

    private static string[] Common(string database) =>
        ["--db", database, "--table", Table, "--run-id", RunId, "--preset", "tiny", "--device", "cpu", "--checkpoint-rows", "300"];
}
