using System.ComponentModel.DataAnnotations;
using Connectomics.Gpu.Models;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// How CPU inference is spread over the cores: <see cref="Workers"/> batches computed at once, each on its own
/// thread, each with <see cref="ThreadsPerWorker"/> libtorch threads (<see langword="null"/>: libtorch's setting is
/// left as it is).
/// </summary>
/// <param name="Workers">The batches computed at once.</param>
/// <param name="ThreadsPerWorker">The libtorch threads of each worker, or <see langword="null"/> to leave libtorch's
/// setting alone.</param>
/// <param name="LimitedByMemory">Whether the default would have had more workers than half the available memory
/// holds.</param>
internal readonly record struct CpuWorkerPlan(int Workers, int? ThreadsPerWorker, bool LimitedByMemory = false)
{
    /// <summary>
    /// A worker's peak native memory as a multiple of its batch's widest activation. Measured with the Embed sample
    /// at the default budget (8,192 tokens, 60 MiB activation limit): each extra worker added about 300 MiB for the
    /// tiny preset (32 MiB widest activation) and 350 MiB for v2-50m (60 MiB), so 8 is on the safe side for both.
    /// </summary>
    internal const int PeakActivationsPerWorker = 8;

    /// <summary>Estimates the native memory one CPU worker holds at its peak.</summary>
    /// <param name="config">The model.</param>
    /// <param name="batchTokens">The token budget of a CPU batch.</param>
    /// <returns>Bytes.</returns>
    public static long EstimateWorkerBytes(EsmConfig config, int batchTokens) =>
        PeakActivationsPerWorker * sizeof(float) * config.WidestActivationWidth * batchTokens;

    /// <summary>Decides the plan from the options, the threads libtorch would use, whether MKL dispatches on CPU
    /// features (<see cref="Runtime.MklVendorDispatch"/>) and, for the default, the memory available.</summary>
    /// <param name="workers">The requested workers (<see cref="NucleotideTransformerEmbedderOptions.CpuWorkers"/>).</param>
    /// <param name="threads">The requested threads (<see cref="NucleotideTransformerEmbedderOptions.CpuThreads"/>).</param>
    /// <param name="defaultThreads">The threads libtorch uses when not told (its intra-op default).</param>
    /// <param name="mklDispatchesOnCpuFeatures">Whether MKL's vendor check was redirected in this process.</param>
    /// <param name="availableMemoryBytes">The memory this process may use (the container's limit where there is
    /// one).</param>
    /// <param name="workerBytes">One worker's peak memory (<see cref="EstimateWorkerBytes"/>).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ValidationException">More workers than threads were requested.</exception>
    public static CpuWorkerPlan Resolve(
        int? workers, int? threads, int defaultThreads, bool mklDispatchesOnCpuFeatures, long availableMemoryBytes, long workerBytes)
    {
        var total = threads ?? Math.Max(1, defaultThreads);
        if (workers is int requested)
        {
            if (requested > total)
            {
                throw new ValidationException(
                    $"{nameof(NucleotideTransformerEmbedderOptions)} is invalid: CpuWorkers {requested} exceeds the {total} CPU thread(s) libtorch {(threads is null ? "uses by default" : "was given (CpuThreads)")}: every worker needs at least one thread.");
            }

            return requested == 1 ? new CpuWorkerPlan(1, threads) : new CpuWorkerPlan(requested, total / requested);
        }

        // By default every thread is a worker: single-threaded batches side by side outran one batch on all the
        // threads on every machine measured, and their results never depend on thread timing. Only as many workers
        // as half the available memory holds, though: each holds its own activations.
        var fitting = workerBytes > 0 ? Math.Max(1L, availableMemoryBytes / 2 / workerBytes) : total;
        var chosen = (int)Math.Min(total, fitting);
        var limited = chosen < total;
        if (chosen == 1)
        {
            return new CpuWorkerPlan(1, threads, limited);
        }

        // MKL's multi-threaded calls have given non-reproducible results with its vendor check redirected (see
        // MklVendorDispatch), its single-threaded calls have not: there, workers stay single-threaded even when memory
        // leaves some threads without one.
        return new CpuWorkerPlan(chosen, mklDispatchesOnCpuFeatures ? 1 : total / chosen, limited);
    }
}
