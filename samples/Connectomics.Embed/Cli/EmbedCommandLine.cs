using System.CommandLine;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Tokenization;
using Connectomics.Pipelines;
using Connectomics.Samples.Inputs;

namespace Connectomics.Embed.Cli;

/// <summary>The tool's options, grouped by what they set: input, table, run, model and process.</summary>
internal sealed class EmbedCommandLine
{
    // Input.
    public Option<string[]> Input { get; } = new("--input") { Description = "Reads: Parquet, FASTA or FASTQ files (plain or gzip), directories or globs such as 'reads/*.parquet'. Repeat or separate with commas.", AllowMultipleArgumentsPerToken = true };
    public Option<InputFormat> Format { get; } = new("--format") { Description = "auto (from the first file's bytes), parquet, fasta or fastq.", DefaultValueFactory = _ => InputFormat.Auto };
    public Option<string> IdColumn { get; } = new("--id-column") { Description = "Parquet: the id column.", DefaultValueFactory = _ => "id" };
    public Option<string> SequenceColumn { get; } = new("--sequence-column") { Description = "Parquet: the sequence column.", DefaultValueFactory = _ => "sequence" };
    public Option<string[]> Keep { get; } = new("--keep") { Description = "Parquet: columns copied into the table with their types (comma-separated); FASTA/FASTQ keep the header's description.", AllowMultipleArgumentsPerToken = true };
    public Option<bool> KeepCase { get; } = new("--keep-case") { Description = "Tokenize the letters as they are (the Hugging Face tokenizer's exact behaviour: lower-case letters become <unk>). By default soft-masked (lower-case) bases are upper-cased first." };

    // Table.
    public Option<string?> Database { get; } = new("--db") { Description = "The LanceDB database directory (created when missing)." };
    public Option<string?> Table { get; } = new("--table") { Description = "The table (created when missing; appended to by every shard)." };

    // Run.
    public Option<string> RunId { get; } = new("--run-id") { Description = "The run; the same command with the same run id continues it.", DefaultValueFactory = _ => "default" };
    public Option<string?> Shard { get; } = new("--shard") { Description = "This process's shard, i/N (0-based). Default: from a Slurm array job or a Kubernetes Indexed Job, else 0/1." };
    public Option<int?> ShardCount { get; } = new("--shard-count") { Description = "The number of shards of a Kubernetes Indexed Job (its completions); also $CONNECTOMICS_SHARD_COUNT." };
    public Option<string> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "The longest time between commits: 30m, 90s, 1h.", DefaultValueFactory = _ => "5m" };
    public Option<long> CheckpointRows { get; } = new("--checkpoint-rows") { Description = "The most rows between commits.", DefaultValueFactory = _ => 100_000 };
    public Option<bool> Restart { get; } = new("--restart") { Description = "Start over: replace the table's contents instead of continuing the run." };
    public Option<BadRecordPolicy> BadRecords { get; } = new("--bad-records") { Description = "quarantine (default: written with the reason to a Parquet file beside the table) or fail.", DefaultValueFactory = _ => BadRecordPolicy.Quarantine };
    public Option<string?> Quarantine { get; } = new("--quarantine") { Description = "Where quarantined records go. Default: <db>/<table>.quarantine." };
    public Option<double> MaxUnknownShare { get; } = new("--max-unknown-share") { Description = "A read with a larger share of <unk> tokens is a bad record.", DefaultValueFactory = _ => 0.5 };
    public Option<int?> MetricsPort { get; } = new("--metrics-port") { Description = "Serve Prometheus metrics on http://localhost:PORT/metrics while running." };

    // Legacy JSON-lines form.
    public Option<FileInfo?> Fasta { get; } = new("--fasta") { Description = "JSON-lines form: a FASTA input, embedded to --jsonl." };
    public Option<FileInfo?> Jsonl { get; } = new("--jsonl") { Description = "JSON-lines form: one JSON object per record {id, tokens, embedding}." };

    // Demo.
    public Option<string> DemoDirectory { get; } = new("--demo-dir") { Description = "Without --input: where the demo reads and table are made.", DefaultValueFactory = _ => "connectomics-demo" };
    public Option<int> DemoReads { get; } = new("--demo-reads") { Description = "Without --input: how many demo reads to make.", DefaultValueFactory = _ => 3000 };

    // Model.
    public Option<DirectoryInfo?> Weights { get; } = new("--weights") { Description = "Hugging Face checkpoint directory (config.json + model.safetensors or sharded safetensors with their index)." };
    public Option<DirectoryInfo?> Adapter { get; } = new("--adapter") { Description = "A PEFT LoRA adapter directory (adapter_config.json + adapter_model.safetensors) for the --weights checkpoint, merged into it before embedding." };
    public Option<string> Preset { get; } = new("--preset") { Description = "Preset with random weights when --weights is not given (tiny, v2-50m, 500m-human-ref, ...).", DefaultValueFactory = _ => "tiny" };
    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of the random weights of a preset.", DefaultValueFactory = _ => 0 };
    public Option<string> Device { get; } = new("--device") { Description = "auto, cpu, cuda, cuda:N, cuda:0,1 or cuda:all.", DefaultValueFactory = _ => "auto" };
    public Option<int> BatchTokens { get; } = new("--batch-tokens") { Description = "Token budget of one device batch (sequences x padded length).", DefaultValueFactory = _ => 8192 };
    public Option<EmbeddingPooling> Pooling { get; } = new("--pooling") { Description = "mean (CLS included, as the NT model cards), cls or max.", DefaultValueFactory = _ => EmbeddingPooling.Mean };
    public Option<bool> Normalize { get; } = new("--normalize") { Description = "Scale every embedding to unit L2 norm." };
    public Option<LongSequencePolicy> LongReads { get; } = new("--long-reads") { Description = "Reads longer than the model accepts: split (windows averaged by token count), truncate or reject.", DefaultValueFactory = _ => LongSequencePolicy.Split };
    public Option<bool> UpperCase { get; } = new("--upper-case") { Description = "JSON-lines form: upper-case reads first (the table form does so unless --keep-case)." };
    public Option<bool> Strict { get; } = new("--strict") { Description = "Reject characters other than A, C, G, T and N." };
    public Option<ComputePrecision> Precision { get; } = new("--precision") { Description = "Number format of the projections on CUDA: float32, bfloat16 or float16 (the CPU always uses float32).", DefaultValueFactory = _ => ComputePrecision.Float32 };

    // Process.
    public Option<int?> Threads { get; } = new("--threads") { Description = "CPU threads for libtorch." };
    public Option<int?> CpuWorkers { get; } = new("--cpu-workers") { Description = "Batches the CPU computes at once, each with an equal share of the threads (default: one single-threaded worker per thread, as many as half the available memory holds; 1 for the lean layout)." };
    public Option<string?> MklDispatch { get; } = new("--mkl-dispatch") { Description = "keep (MKL as shipped) or cpu-features (MKL's AVX2/AVX-512 kernels on AMD processors, about 2x faster; its multi-threaded calls have given non-reproducible results there, its single-threaded ones, the default workers', have not). Default: $CONNECTOMICS_MKL_VENDOR_DISPATCH, else keep." };
    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log the process settings in force (each with its value and why), batching and device details." };

    public RootCommand CreateRoot() => new("Embeds DNA reads with a Nucleotide Transformer (TorchSharp, CPU or CUDA) into a LanceDB table, resumably and exactly once; shards run as Slurm array tasks or Kubernetes Indexed Job pods. Without --input it makes demo reads, embeds them with the 'tiny' preset (random weights) and searches the table. Opts into the fast CPU process settings, which the library leaves off by default.")
    {
        Input, Format, IdColumn, SequenceColumn, Keep, KeepCase, Database, Table,
        RunId, Shard, ShardCount, CheckpointEvery, CheckpointRows, Restart, BadRecords, Quarantine, MaxUnknownShare, MetricsPort,
        Fasta, Jsonl, DemoDirectory, DemoReads,
        Weights, Adapter, Preset, Seed, Device, BatchTokens, Pooling, Normalize, LongReads, UpperCase, Strict, Precision,
        Threads, CpuWorkers, MklDispatch, Verbose,
    };
}
