using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Connectomics;
using Connectomics.Embed;
using Connectomics.Embed.Metrics;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tokenization;
using Connectomics.Sequences;
using Connectomics.Storage.Fasta;
using Microsoft.Extensions.Logging;

var weights = new Option<DirectoryInfo?>("--weights") { Description = "Hugging Face checkpoint directory (config.json + model.safetensors or sharded safetensors with their index)." };
var preset = new Option<string>("--preset") { Description = "Preset with random weights when --weights is not given (tiny, v2-50m, 500m-human-ref, ...).", DefaultValueFactory = _ => "tiny" };
var seed = new Option<long>("--seed") { Description = "Seed of the random weights of a preset.", DefaultValueFactory = _ => 0 };
var fasta = new Option<FileInfo?>("--fasta") { Description = "Multi-record FASTA input (any line width). Without it, a few demo reads are embedded and printed." };
var jsonl = new Option<FileInfo?>("--jsonl") { Description = "Output: one JSON object per record {id, tokens, embedding}." };
var device = new Option<string>("--device") { Description = "auto, cpu, cuda, cuda:N, cuda:0,1 or cuda:all.", DefaultValueFactory = _ => "auto" };
var batchTokens = new Option<int>("--batch-tokens") { Description = "Token budget of one device batch (sequences x padded length).", DefaultValueFactory = _ => 8192 };
var pooling = new Option<EmbeddingPooling>("--pooling") { Description = "mean (CLS included, as the NT model cards), cls or max.", DefaultValueFactory = _ => EmbeddingPooling.Mean };
var normalize = new Option<bool>("--normalize") { Description = "Scale every embedding to unit L2 norm." };
var longReads = new Option<LongSequencePolicy>("--long-reads") { Description = "Reads longer than the model accepts: split (windows averaged by token count), truncate or reject.", DefaultValueFactory = _ => LongSequencePolicy.Split };
var upperCase = new Option<bool>("--upper-case") { Description = "Upper-case reads first (soft-masked genomes)." };
var strict = new Option<bool>("--strict") { Description = "Reject characters other than A, C, G, T and N." };
var precision = new Option<ComputePrecision>("--precision") { Description = "Number format of the projections on CUDA: float32, bfloat16 or float16 (the CPU always uses float32).", DefaultValueFactory = _ => ComputePrecision.Float32 };
var threads = new Option<int?>("--threads") { Description = "CPU threads for libtorch." };
var cpuWorkers = new Option<int?>("--cpu-workers") { Description = "Batches the CPU computes at once, each with an equal share of the threads (default: one single-threaded worker per thread, as many as half the available memory holds; 1 for the lean layout)." };
var mklDispatch = new Option<string?>("--mkl-dispatch") { Description = "keep (MKL as shipped) or cpu-features (MKL's AVX2/AVX-512 kernels on AMD processors, about 2x faster; its multi-threaded calls have given non-reproducible results there, its single-threaded ones, the default workers', have not). Default: $CONNECTOMICS_MKL_VENDOR_DISPATCH, else keep." };
var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve the metrics for Prometheus at http://*:PORT/metrics while the tool runs." };
var verbose = new Option<bool>("--verbose") { Description = "Log the process settings in force (each with its value and why), batching and device details." };

var root = new RootCommand("Embeds DNA reads with a Nucleotide Transformer (TorchSharp, CPU or CUDA). Opts into the fast CPU process settings (glibc heap kept for reuse, transparent huge pages for libtorch; MKL's CPU-feature dispatch with --mkl-dispatch), which the library leaves off by default.")
{
    weights, preset, seed, fasta, jsonl, device, batchTokens, pooling, normalize, longReads, upperCase, strict, precision, threads, cpuWorkers, mklDispatch, metricsPort, verbose,
};

root.SetAction(async (parsed, cancellationToken) =>
{
    using var loggerFactory = LoggerFactory.Create(b => b
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
        .SetMinimumLevel(parsed.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning));
    try
    {
        using var metrics = parsed.GetValue(metricsPort) is int port ? PrometheusMetricsEndpoint.Start(port) : null;

        // A tool that only embeds reads opts into the fast CPU settings; a library user's defaults change nothing
        // process-wide.
        var runtime = TorchRuntime.Configure(FastCpuRuntime.Options(parsed.GetValue(mklDispatch)), loggerFactory.CreateLogger(typeof(TorchRuntime).FullName!));
        var changed = runtime.Settings.Where(s => s.ChangedProcessState).Select(s => s.Name).ToList();
        Console.Error.WriteLine($"process settings: {(changed.Count == 0 ? "none changed" : string.Join(", ", changed))} (fast CPU set-up{(parsed.GetValue(verbose) ? string.Empty : "; --verbose for each setting")})");
        if (parsed.GetValue(verbose))
        {
            Console.Error.WriteLine(runtime.ToString());
        }

        var builder = NucleotideTransformerEmbedder.CreateBuilder()
            .OnDevice(parsed.GetValue(device)!)
            .WithLoggerFactory(loggerFactory)
            .Configure(o =>
            {
                o.MaxBatchTokens = parsed.GetValue(batchTokens);
                o.Pooling = parsed.GetValue(pooling);
                o.Normalize = parsed.GetValue(normalize);
                o.LongSequences = parsed.GetValue(longReads);
                o.CpuThreads = parsed.GetValue(threads);
                o.CpuWorkers = parsed.GetValue(cpuWorkers);
                o.CudaPrecision = parsed.GetValue(precision);
                o.Tokenizer.UpperCaseFirst = parsed.GetValue(upperCase);
                o.Tokenizer.StrictNucleotides = parsed.GetValue(strict);
            });
        var checkpoint = parsed.GetValue(weights);
        builder = checkpoint is null ? builder.FromPreset(parsed.GetValue(preset)!, parsed.GetValue(seed)) : builder.FromPretrained(checkpoint.FullName);

        var loading = Stopwatch.GetTimestamp();
        using var embedder = builder.Build();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {embedder.Name}: {embedder.Dimension}-dim, {embedder.Config.NumHiddenLayers} layers, on {string.Join(",", embedder.Devices)}{(embedder.CpuWorkers > 1 ? $" ({embedder.CpuWorkers} CPU workers)" : string.Empty)} (ready in {Stopwatch.GetElapsedTime(loading).TotalSeconds:F1} s)"));
        foreach (var d in embedder.Devices)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {d}: {d.Name ?? "unknown"}{(d.TotalMemoryBytes is long m ? $", {m / (1024.0 * 1024 * 1024):F1} GiB" : string.Empty)}"));
        }

        var started = Stopwatch.GetTimestamp();

        var input = parsed.GetValue(fasta);
        var output = parsed.GetValue(jsonl);
        IAsyncEnumerable<SequenceRecord> records = input is null
            ? DemoReads.Create().ToAsyncEnumerable()
            : FastaReader.ReadAsync(input.FullName, cancellationToken);

        await using var writer = output is null ? null : new JsonlEmbeddingWriter(output.FullName);
        long count = 0, tokens = 0;
        await foreach (var embedding in embedder.EmbedAsync(records, cancellationToken))
        {
            count++;
            tokens += embedding.TokenCount;
            if (writer is not null)
            {
                await writer.WriteAsync(embedding, embedder.Tokenizer.EncodeToIds(embedding.Record.Sequence), cancellationToken);
            }

            if (input is null)
            {
                var head = string.Join(", ", embedding.Vector.Span[..Math.Min(5, embedding.Vector.Length)].ToArray().Select(v => v.ToString("F5", CultureInfo.InvariantCulture)));
                Console.WriteLine($"{embedding.Id}\t{embedding.TokenCount} tokens\tdim {embedding.Vector.Length}\t[{head}, ...]");
            }
        }

        if (writer is not null)
        {
            await writer.CompleteAsync(cancellationToken);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embedded {count} records ({tokens} tokens) in {seconds:F2} s: {count / seconds:F1} records/s, {tokens / seconds:F0} tokens/s{(output is null ? string.Empty : $" -> {output.FullName}")}"));
        return 0;
    }
    catch (Exception e) when (e is ConnectomicsException or FileNotFoundException or DirectoryNotFoundException or FormatException
        or System.ComponentModel.DataAnnotations.ValidationException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
});

return await root.Parse(args).InvokeAsync();
