using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Connectomics.Storage.Telemetry;

/// <summary>
/// The metrics of this package, on the <c>Connectomics.Storage</c> meter: created from an
/// <see cref="IMeterFactory"/> when one is given (dependency injection), otherwise on one process-wide meter.
/// </summary>
internal sealed class StorageTelemetry
{
    /// <summary>The meter name, shared by every instrument of this package.</summary>
    public const string MeterName = "Connectomics.Storage";

    private static readonly Meter SharedMeter = new(MeterName, typeof(StorageTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    private readonly Counter<long> _lanceRows;
    private readonly Counter<long> _lanceBytes;
    private readonly Counter<long> _lanceCommits;
    private readonly Histogram<double> _lanceCommitDuration;
    private readonly Counter<long> _lanceConflicts;
    private readonly Counter<long> _checkpointSaves;
    private readonly Counter<long> _checkpointLoads;
    private readonly Counter<long> _checkpointDamaged;
    private readonly Counter<long> _parquetRowsRead;
    private readonly Counter<long> _sequenceFileRecordsRead;

    /// <summary>Initializes a new instance on the factory's meter, or on the process-wide one.</summary>
    /// <param name="meterFactory">The factory; <see langword="null"/> for the process-wide meter.</param>
    public StorageTelemetry(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions(MeterName) { Version = SharedMeter.Version }) ?? SharedMeter;
        _lanceRows = meter.CreateCounter<long>("connectomics.lance.rows.written", "{row}", "Rows in committed Lance table versions.");
        _lanceBytes = meter.CreateCounter<long>("connectomics.lance.bytes.written", "By", "Bytes of the data files in committed Lance table versions.");
        _lanceCommits = meter.CreateCounter<long>("connectomics.lance.commits", "{commit}", "Lance table versions committed.");
        _lanceCommitDuration = meter.CreateHistogram<double>("connectomics.lance.commit.duration", "s", "Time to commit a Lance table version, from finishing the data files to publishing the manifest.");
        _lanceConflicts = meter.CreateCounter<long>("connectomics.lance.commit.conflicts", "{conflict}", "Lance commits that found another writer's version first: rebased on it, or refused.");
        _checkpointSaves = meter.CreateCounter<long>("connectomics.checkpoint.saves", "{save}", "Checkpoint states saved durably.");
        _checkpointLoads = meter.CreateCounter<long>("connectomics.checkpoint.loads", "{load}", "Checkpoint loads, by the file the state came from (current, previous or none).");
        _checkpointDamaged = meter.CreateCounter<long>("connectomics.checkpoint.files.damaged", "{file}", "Damaged checkpoint files found and skipped.");
        _parquetRowsRead = meter.CreateCounter<long>("connectomics.parquet.rows.read", "{row}", "Sequence records read from Parquet files.");
        _sequenceFileRecordsRead = meter.CreateCounter<long>("connectomics.sequence.records.read", "{record}", "Records read from FASTA and FASTQ files, usable and rejected, by format.");
    }

    /// <summary>Gets the instance on the process-wide meter, for code created without dependency injection.</summary>
    public static StorageTelemetry Shared { get; } = new(null);

    /// <summary>Records a committed Lance table version.</summary>
    /// <param name="mode">The write mode (create, append, overwrite).</param>
    /// <param name="rows">The rows the commit added.</param>
    /// <param name="bytes">The bytes of the data files the commit added.</param>
    /// <param name="elapsed">The time the commit took.</param>
    public void LanceCommitted(string mode, long rows, long bytes, TimeSpan elapsed)
    {
        var tags = new TagList { { "lance.write.mode", mode } };
        _lanceCommits.Add(1, tags);
        _lanceRows.Add(rows, tags);
        _lanceBytes.Add(bytes, tags);
        _lanceCommitDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Records a Lance commit that found another writer's version first.</summary>
    /// <param name="outcome"><c>rebased</c> when the commit was rebuilt on that version, <c>refused</c> when it failed.</param>
    public void LanceConflict(string outcome) => _lanceConflicts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Records a checkpoint save.</summary>
    public void CheckpointSaved() => _checkpointSaves.Add(1);

    /// <summary>Records a checkpoint load.</summary>
    /// <param name="source"><c>current</c>, <c>previous</c> or <c>none</c>.</param>
    public void CheckpointLoaded(string source) => _checkpointLoads.Add(1, new KeyValuePair<string, object?>("source", source));

    /// <summary>Records a damaged checkpoint file that was skipped.</summary>
    public void CheckpointDamaged() => _checkpointDamaged.Add(1);

    /// <summary>Records records read from a Parquet file.</summary>
    /// <param name="rows">The number of records.</param>
    public void ParquetRowsRead(long rows) => _parquetRowsRead.Add(rows);

    /// <summary>Records records read from FASTA or FASTQ files.</summary>
    /// <param name="format"><c>fasta</c> or <c>fastq</c>.</param>
    /// <param name="records">The number of records, usable and rejected.</param>
    public void SequenceFileRecordsRead(string format, long records) =>
        _sequenceFileRecordsRead.Add(records, new KeyValuePair<string, object?>("format", format));
}
