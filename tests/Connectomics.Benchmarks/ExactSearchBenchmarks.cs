using BenchmarkDotNet.Attributes;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Search;

namespace Connectomics.Benchmarks;

/// <summary>
/// Exact k-nearest-neighbour search (k = 10) over 100,000 random 768-dimensional vectors in one Lance table, read
/// from the page cache: every call scans the whole vector column.
/// </summary>
[MemoryDiagnoser]
public class ExactSearchBenchmarks
{
    private const int Rows = 100_000;
    private const int Dimension = 768;

    private DirectoryInfo? _directory;
    private LanceTable? _table;
    private float[] _query = [];

    [Params(DistanceMetric.L2, DistanceMetric.Cosine)]
    public DistanceMetric Metric { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("lance-search-bench-");
        var path = Path.Combine(_directory.FullName, "vectors.lance");
        await RandomVectorTable.WriteAsync(path, Rows, Dimension, seed: 1);
        _table = await LanceTable.OpenAsync(path);
        _query = RandomVectorTable.Queries(1, Dimension, seed: 2)[0];
    }

    [GlobalCleanup]
    public void Cleanup() => _directory?.Delete(recursive: true);

    [Benchmark]
    public async Task<int> Top10() => (await _table!.Search(_query).Metric(Metric).Limit(10).ToBatchAsync()).Length;
}
