using BenchmarkDotNet.Attributes;
using Connectomics.Storage.Parquet;

namespace Connectomics.Benchmarks;

/// <summary>
/// Rows per second reading a generated Parquet file of reads (150–1000 nt, three metadata columns) through
/// <see cref="ParquetSequenceSource"/>, with and without the metadata columns.
/// Run: <c>dotnet run -c Release --project tests/Connectomics.Benchmarks -- --filter *ParquetRead*</c>.
/// </summary>
[MemoryDiagnoser]
public class ParquetReadBenchmarks
{
    private string _directory = null!;
    private string _path = null!;

    /// <summary>The reads in the file; each benchmark operation is one read, so BenchmarkDotNet reports time per row.</summary>
    public const int Reads = 100_000;

    /// <summary>Gets or sets whether the metadata columns are read into each record.</summary>
    [Params(false, true)]
    public bool WithMetadata { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("connectomics-parquet-bench-").FullName;
        _path = Path.Combine(_directory, "reads.parquet");
        SyntheticParquet.EnsureAsync(_path, Reads).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>Reads every record; the result is the number of residues, so nothing is optimised away.</summary>
    [Benchmark(OperationsPerInvoke = Reads)]
    public async Task<long> ReadAll()
    {
        var source = new ParquetSequenceSource(new ParquetSequenceSourceOptions
        {
            Inputs = [_path],
            MetadataColumns = WithMetadata ? [.. SyntheticParquet.MetadataColumns] : [],
        });
        long residues = 0;
        await foreach (var batch in source.ReadBatchesAsync())
        {
            foreach (var record in batch.Records)
            {
                residues += record.Sequence.Length;
            }
        }

        return residues;
    }
}
