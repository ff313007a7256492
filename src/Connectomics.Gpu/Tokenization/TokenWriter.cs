namespace Connectomics.Gpu.Tokenization;

/// <summary>A token sink that writes ids into a caller's span and refuses to run past its end.</summary>
internal ref struct TokenWriter : ITokenSink
{
    private readonly Span<int> _destination;

    /// <summary>Initializes a new instance that writes from the start of <paramref name="destination"/>.</summary>
    /// <param name="destination">Where the ids go.</param>
    public TokenWriter(Span<int> destination)
    {
        _destination = destination;
        Count = 0;
    }

    /// <summary>Gets the number of ids written so far.</summary>
    public int Count { get; private set; }

    /// <inheritdoc />
    public void Add(int id)
    {
        if ((uint)Count >= (uint)_destination.Length)
        {
            ThrowTooShort(_destination.Length);
        }

        _destination[Count++] = id;
    }

    private static void ThrowTooShort(int length) =>
        throw new ArgumentException(
            $"The destination holds {length} ids, fewer than the sequence has tokens. A destination of the sequence's length plus one always suffices.",
            "destination");
}
