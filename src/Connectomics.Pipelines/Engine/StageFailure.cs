using System.Runtime.ExceptionServices;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The first failure of any stage: keeps the original exception, and cancels every stage when it happens so the run
/// stops. The caller's cancellation is not a failure and does not pass through here.
/// </summary>
internal sealed class StageFailure : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private ExceptionDispatchInfo? _first;

    /// <summary>Gets a token cancelled when a stage fails.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Gets a value indicating whether a stage failed.</summary>
    public bool HasFailed => Volatile.Read(ref _first) is not null;

    /// <summary>Records <paramref name="exception"/> when it is the first, and stops the other stages.</summary>
    public void Fail(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _first, ExceptionDispatchInfo.Capture(exception), null) is null)
        {
            _cancellation.Cancel();
        }
    }

    /// <summary>Rethrows the first failure, unwrapped, with its original stack trace.</summary>
    public void ThrowIfFailed() => Volatile.Read(ref _first)?.Throw();

    /// <summary>Runs a stage: records its failure, and treats cancellation caused by another stage's failure as an end.</summary>
    public async Task RunAsync(Func<Task> stage)
    {
        try
        {
            await stage().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
            // Another stage failed first; its exception is the one that counts.
        }
#pragma warning disable CA1031 // A stage's failure is kept and rethrown by the engine, unwrapped.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Fail(exception);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _cancellation.Dispose();
}
