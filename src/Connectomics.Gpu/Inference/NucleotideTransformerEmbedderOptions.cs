using System.ComponentModel.DataAnnotations;
using Connectomics.Devices;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tokenization;

namespace Connectomics.Gpu.Inference;

/// <summary>How a <see cref="NucleotideTransformerEmbedder"/> runs. Validated once, when the embedder is built.</summary>
public sealed class NucleotideTransformerEmbedderOptions : IValidatableObject
{
    /// <summary>Gets or sets where the model runs.</summary>
    /// <value>The default value is <see cref="DeviceSelection.Auto"/>.</value>
    [Required]
    public DeviceSelection Device { get; set; } = DeviceSelection.Auto;

    /// <summary>Gets or sets the number format of the projections on CUDA devices (the CPU always uses float32).</summary>
    /// <value>The default value is <see cref="ComputePrecision.Float32"/>.</value>
    public ComputePrecision CudaPrecision { get; set; } = ComputePrecision.Float32;

    /// <summary>Gets or sets the token budget of one device batch: sequences × padded length never exceeds it
    /// (a single sequence longer than the budget still forms a batch of its own).</summary>
    /// <value>The default value is 8192.</value>
    [Range(1, int.MaxValue)]
    public int MaxBatchTokens { get; set; } = 8192;

    /// <summary>Gets or sets, for CPU devices, the largest single activation tensor a batch may need, in bytes; the
    /// token budget is lowered to fit (the widest activation is the feed-forward's, 4 bytes × its width per token).
    /// glibc serves blocks above 64 MiB requested from worker threads with fresh memory mappings, whatever the heap
    /// tuning, so larger batches pay page faults on every layer (2-core machine, v2-50m, 1 kb reads, 8,192-token
    /// budget: 6.9 reads/s with 90 MiB feed-forward activations, 11.7 with this limit, 14.8 with this limit and
    /// libtorch's huge pages, <see cref="Runtime.TorchRuntimeOptions.UseTransparentHugePages"/>). <see langword="null"/> keeps
    /// <see cref="MaxBatchTokens"/> as it is.</summary>
    /// <value>The default value is 60 MiB.</value>
    [Range(1L, long.MaxValue)]
    public long? CpuMaxActivationBytes { get; set; } = 60L << 20;

    /// <summary>Gets or sets the most sequences in one device batch.</summary>
    /// <value>The default value is 256.</value>
    [Range(1, int.MaxValue)]
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Gets or sets how hidden states are pooled.</summary>
    /// <value>The default value is <see cref="EmbeddingPooling.Mean"/>.</value>
    public EmbeddingPooling Pooling { get; set; } = EmbeddingPooling.Mean;

    /// <summary>Gets or sets a value indicating whether vectors are scaled to unit L2 norm.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Normalize { get; set; }

    /// <summary>Gets or sets what happens to a read with more tokens than the model accepts. With
    /// <see cref="LongSequencePolicy.Split"/>, window embeddings are averaged weighted by their token counts
    /// (for <see cref="EmbeddingPooling.Max"/>, the element-wise maximum of the windows is taken).</summary>
    /// <value>The default value is <see cref="LongSequencePolicy.Split"/>.</value>
    public LongSequencePolicy LongSequences { get; set; } = LongSequencePolicy.Split;

    /// <summary>Gets or sets the most tokens per sequence (CLS included); <see langword="null"/> uses the model's
    /// limit (1000 for v1, 2048 for v2).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(2, int.MaxValue)]
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets how attention is computed.</summary>
    /// <value>The default value is <see cref="AttentionImplementation.ScaledDotProduct"/>.</value>
    public AttentionImplementation Attention { get; set; } = AttentionImplementation.ScaledDotProduct;

    /// <summary>Gets or sets the CPU threads this embedder's CPU workers use together; each worker sets its own
    /// thread's libtorch count to its share, and nothing else in the process is affected. <see langword="null"/> uses
    /// libtorch's count for the process as it was when the runtime was applied
    /// (<see cref="Runtime.TorchRuntimeState.IntraOpThreads"/>), whichever embedders were built before.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(1, 1024)]
    public int? CpuThreads { get; set; }

    /// <summary>Gets or sets how many batches a CPU device computes at once, each on its own thread with an equal share
    /// of <see cref="CpuThreads"/> (the remainder of an uneven split stays unused). The workers share one copy of the
    /// weights; each holds its own activations, so peak memory grows with their number. <see langword="null"/> chooses
    /// one single-threaded worker per thread, as many as half the available memory holds (about 300-350 MiB each at
    /// the default batch budget): on the machines measured that outran one worker with all the threads, and a
    /// single-threaded batch's result does not depend on thread timing. Where memory holds fewer workers than threads,
    /// the threads are shared among them, except when MKL dispatches on CPU features
    /// (<see cref="Runtime.TorchRuntimeOptions.MklDispatch"/> = <see cref="Runtime.MklDispatchMode.CpuFeatures"/>),
    /// whose multi-threaded calls have given non-reproducible results on AMD processors: there the workers stay
    /// single-threaded. 1 gives the single-worker layout: lower latency per batch, less memory.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(1, 1024)]
    public int? CpuWorkers { get; set; }

    /// <summary>Gets or sets the tokenizer's options (upper-casing, strict alphabet).</summary>
    /// <value>The default value is the Hugging Face behaviour.</value>
    [Required]
    public NucleotideTokenizerOptions Tokenizer { get; set; } = new();

    /// <summary>Gets or sets the most records <see cref="NucleotideTransformerEmbedder.EmbedAsync(IAsyncEnumerable{Sequences.SequenceRecord}, System.Threading.CancellationToken)"/>
    /// gathers before sorting them into batches by length (larger groups pad less).</summary>
    /// <value>The default value is 4096 (on 150–1500 bp reads with the default token budget, about 1.4% of the
    /// computed token slots are padding; with groups of 1024, about 4.8%).</value>
    [Range(1, int.MaxValue)]
    public int StreamingGroupSize { get; set; } = 4096;

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public NucleotideTransformerEmbedderOptions Clone()
    {
        var copy = (NucleotideTransformerEmbedderOptions)MemberwiseClone();
        copy.Tokenizer = Tokenizer.Clone();
        return copy;
    }

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new NucleotideTransformerEmbedderOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(NucleotideTransformerEmbedderOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks the settings that attributes cannot express: defined enumeration values and settings that
    /// depend on each other.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(CudaPrecision)) yield return new ValidationResult($"{nameof(CudaPrecision)} '{CudaPrecision}' is not defined.", [nameof(CudaPrecision)]);
        if (!Enum.IsDefined(Pooling)) yield return new ValidationResult($"{nameof(Pooling)} '{Pooling}' is not defined.", [nameof(Pooling)]);
        if (!Enum.IsDefined(LongSequences)) yield return new ValidationResult($"{nameof(LongSequences)} '{LongSequences}' is not defined.", [nameof(LongSequences)]);
        if (!Enum.IsDefined(Attention)) yield return new ValidationResult($"{nameof(Attention)} '{Attention}' is not defined.", [nameof(Attention)]);
        if (CpuWorkers > CpuThreads)
        {
            yield return new ValidationResult(
                $"{nameof(CpuWorkers)} {CpuWorkers} exceeds {nameof(CpuThreads)} {CpuThreads}: every worker needs at least one thread.",
                [nameof(CpuWorkers), nameof(CpuThreads)]);
        }
    }
}
