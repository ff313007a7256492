namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>The exception the doubles throw at an injected failure point.</summary>
public sealed class InjectedFailure(string point) : Exception($"Injected failure: {point}")
{
    public string Point { get; } = point;
}

/// <summary>Fails the <see cref="At"/>-th call (1-based) of one kind; 0 never fails.</summary>
public sealed class FailurePoint(string name)
{
    private int _calls;

    public int At { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public void Hit()
    {
        if (Interlocked.Increment(ref _calls) == At)
        {
            throw new InjectedFailure(name);
        }
    }
}
