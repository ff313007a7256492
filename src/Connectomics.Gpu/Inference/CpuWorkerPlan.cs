using System.ComponentModel.DataAnnotations;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// How CPU inference is spread over the cores: <see cref="Workers"/> batches computed at once, each on its own
/// thread, each with <see cref="ThreadsPerWorker"/> libtorch threads (<see langword="null"/>: libtorch's setting is
/// left as it is).
/// </summary>
/// <param name="Workers">The batches computed at once.</param>
/// <param name="ThreadsPerWorker">The libtorch threads of each worker, or <see langword="null"/> to leave libtorch's
/// setting alone.</param>
internal readonly record struct CpuWorkerPlan(int Workers, int? ThreadsPerWorker)
{
    /// <summary>Decides the plan from the options, the threads libtorch would use, and whether MKL dispatches on CPU
    /// features (<see cref="Runtime.MklVendorDispatch"/>).</summary>
    /// <param name="workers">The requested workers (<see cref="NucleotideTransformerEmbedderOptions.CpuWorkers"/>).</param>
    /// <param name="threads">The requested threads (<see cref="NucleotideTransformerEmbedderOptions.CpuThreads"/>).</param>
    /// <param name="defaultThreads">The threads libtorch uses when not told (its intra-op default).</param>
    /// <param name="mklDispatchesOnCpuFeatures">Whether MKL's vendor check was redirected in this process.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ValidationException">More workers than threads were requested.</exception>
    public static CpuWorkerPlan Resolve(int? workers, int? threads, int defaultThreads, bool mklDispatchesOnCpuFeatures)
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

        // MKL's multi-threaded calls have given non-reproducible results with its vendor check redirected (see
        // MklVendorDispatch); its single-threaded calls have not. So with the redirect, every thread is a worker.
        return mklDispatchesOnCpuFeatures && total > 1
            ? new CpuWorkerPlan(total, 1)
            : new CpuWorkerPlan(1, threads);
    }
}
