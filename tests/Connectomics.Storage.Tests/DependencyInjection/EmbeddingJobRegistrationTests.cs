using System.Security.Cryptography;
using System.Text;
using Connectomics.Embeddings;
using Connectomics.Pipelines;
using Connectomics.Sequences;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Parquet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectomics.Storage.Tests.DependencyInjection;

/// <summary>An embedding job registered in a container and run by a worker-service host, reads to table.</summary>
public sealed class EmbeddingJobRegistrationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("storage-job-");

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<string> WriteReadsAsync(int count)
    {
        var path = Path.Combine(_dir.FullName, "reads", "part-0.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var writer = new ParquetSequenceWriter(new ParquetSequenceWriterOptions
        {
            Path = path,
            IdColumn = "sequence_id",
            SequenceColumn = "dna",
            MetadataColumns = [new ParquetMetadataColumn("depth", ParquetMetadataType.Int64)],
            RowGroupSize = 7,
        });
        await writer.WriteAsync(Enumerable.Range(0, count).Select(i =>
            new SequenceRecord($"r{i:D3}", new string("ACGT"[i % 4], 6 + (i % 5))) { Metadata = new Dictionary<string, object?> { ["depth"] = (long)(i * 10) } }));
        await writer.CompleteAsync();
        return path;
    }

    private void Configure(EmbeddingJobOptions o, string input)
    {
        o.Inputs = [input];
        o.IdColumn = "sequence_id";
        o.SequenceColumn = "dna";
        o.KeptColumns = ["depth"];
        o.Database = Path.Combine(_dir.FullName, "db");
        o.Table = "reads";
        o.Pipeline.CheckpointRows = 5;
        o.Pipeline.ChunkSize = 4;
    }

    [Fact]
    public async Task A_resolved_job_writes_every_read_once_and_a_second_run_is_already_complete()
    {
        var input = await WriteReadsAsync(23);
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingModel<SequenceRecord>>(new LetterCountModel());
        services.AddConnectomics().AddEmbeddingJob(o => Configure(o, input));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var job = provider.GetRequiredService<IEmbeddingJob>();
        var first = await job.RunAsync();
        var second = await job.RunAsync();

        Assert.Equal(PipelineOutcome.Completed, first.Outcome);
        Assert.Equal(23, first.RowsWritten);
        Assert.Equal(PipelineOutcome.AlreadyComplete, second.Outcome);
        var table = await LanceTable.OpenAsync(Path.Combine(_dir.FullName, "db", "reads.lance"));
        Assert.Equal(23, table.RowCount);
        var ids = new List<string>();
        var depths = new List<long>();
        await foreach (var batch in table.ScanAsync(["id", "depth", "vector"]))
        {
            using (batch)
            {
                var id = (Apache.Arrow.StringArray)batch.Column("id");
                var depth = (Apache.Arrow.Int64Array)batch.Column("depth");
                var vectors = (Apache.Arrow.FloatArray)((Apache.Arrow.FixedSizeListArray)batch.Column("vector")).Values;
                for (var row = 0; row < batch.Length; row++)
                {
                    ids.Add(id.GetString(row));
                    depths.Add(depth.GetValue(row)!.Value);
                    var i = int.Parse(id.GetString(row).AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(LetterCountModel.Expected(new string("ACGT"[i % 4], 6 + (i % 5))), vectors.Values.Slice(row * 4, 4).ToArray());
                }
            }
        }

        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"r{i:D3}"), ids);
        Assert.Equal(Enumerable.Range(0, 23).Select(i => (long)(i * 10)), depths);
    }

    [Fact]
    public async Task A_worker_service_host_runs_the_job_and_stops()
    {
        var input = await WriteReadsAsync(9);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IEmbeddingModel<SequenceRecord>>(new LetterCountModel());
        builder.Services.AddConnectomics().AddEmbeddingJob(o => Configure(o, input)).AddEmbeddingJobWorker();
        using var host = builder.Build();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await host.RunAsync(timeout.Token);

        Assert.False(timeout.IsCancellationRequested, "The host did not stop when the job ended.");
        var table = await LanceTable.OpenAsync(Path.Combine(_dir.FullName, "db", "reads.lance"));
        Assert.Equal(9, table.RowCount);
    }

    [Fact]
    public async Task Invalid_job_options_stop_the_host_at_start_with_every_problem_named()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IEmbeddingModel<SequenceRecord>>(new LetterCountModel());
        builder.Services.AddConnectomics().AddEmbeddingJob(o =>
        {
            o.Table = "reads";
            o.Pipeline.ChunkSize = 0;
            o.Format = ReadFormat.Fasta;
            o.KeptColumns = ["depth"];
        }, name: "nightly").AddEmbeddingJobWorker("nightly");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("EmbeddingJobOptions", error.Message, StringComparison.Ordinal);
        Assert.Contains("nightly", error.Message, StringComparison.Ordinal);
        Assert.Contains("Inputs", error.Message, StringComparison.Ordinal);
        Assert.Contains("Database", error.Message, StringComparison.Ordinal);
        Assert.Contains("ChunkSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("KeptColumns", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A model whose vector is the count of each letter A, C, G, T: independent of batching by construction.</summary>
    private sealed class LetterCountModel : IEmbeddingModel<SequenceRecord>
    {
        public ModelDescriptor Descriptor { get; } = new("letters", 4, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("letters"))));

        public static float[] Expected(string sequence) => [.. "ACGT".Select(letter => (float)sequence.Count(c => c == letter))];

        public PreparedInput Prepare(SequenceRecord input) =>
            input.Sequence.Length == 0 ? PreparedInput.Unusable("empty sequence") : PreparedInput.Usable(input.Sequence, input.Sequence.Length);

        public Task<IReadOnlyList<ReadOnlyMemory<float>>> EncodeAsync(IReadOnlyList<PreparedInput> inputs, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<ReadOnlyMemory<float>>>([.. inputs.Select(i => new ReadOnlyMemory<float>(Expected((string)i.Payload!)))]);

        public void Dispose()
        {
        }
    }
}
