namespace Connectomics.Embeddings;

/// <summary>
/// An input made ready for a model on the CPU (a tokenized read, a decoded block): the model's payload, its cost (in
/// tokens or voxels) that batches are sized by, and what went wrong when the input cannot be embedded.
/// </summary>
public sealed class PreparedInput
{
    private PreparedInput(object? payload, int cost, int unknownUnits, int addedUnits, string? problem)
    {
        Payload = payload;
        Cost = cost;
        UnknownUnits = unknownUnits;
        AddedUnits = addedUnits;
        Problem = problem;
    }

    /// <summary>Gets what the model embeds (token ids, say); null when <see cref="Problem"/> is set.</summary>
    public object? Payload { get; }

    /// <summary>Gets the input's cost in the model's units (tokens, voxels).</summary>
    public int Cost { get; }

    /// <summary>Gets how many of those units the model could not represent (<c>&lt;unk&gt;</c> tokens).</summary>
    public int UnknownUnits { get; }

    /// <summary>
    /// Gets how many of the <see cref="Cost"/> units the model adds whatever the input (a <c>&lt;cls&gt;</c> token
    /// per window): the input's own units are <see cref="Cost"/> less these, and the share of them that is unknown is
    /// <see cref="UnknownUnits"/> over that.
    /// </summary>
    public int AddedUnits { get; }

    /// <summary>Gets why the input cannot be embedded, or null when it can.</summary>
    public string? Problem { get; }

    /// <summary>Gets a value indicating whether the input can be embedded.</summary>
    public bool IsUsable => Problem is null;

    /// <summary>Creates a usable input.</summary>
    /// <param name="payload">What the model embeds.</param>
    /// <param name="cost">The cost in the model's units, at least 1.</param>
    /// <param name="unknownUnits">The units the model could not represent, from 0 to <paramref name="cost"/>.</param>
    /// <returns>The input.</returns>
    public static PreparedInput Usable(object payload, int cost, int unknownUnits = 0) => Usable(payload, cost, unknownUnits, addedUnits: 0);

    /// <summary>Creates a usable input whose cost includes units the model adds itself.</summary>
    /// <param name="payload">What the model embeds.</param>
    /// <param name="cost">The cost in the model's units, at least 1.</param>
    /// <param name="unknownUnits">The input's units the model could not represent, from 0 to
    /// <paramref name="cost"/> less <paramref name="addedUnits"/>.</param>
    /// <param name="addedUnits">The units of <paramref name="cost"/> the model adds whatever the input (a
    /// <c>&lt;cls&gt;</c> token per window), from 0 to <paramref name="cost"/> less 1.</param>
    /// <returns>The input.</returns>
    public static PreparedInput Usable(object payload, int cost, int unknownUnits, int addedUnits)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentOutOfRangeException.ThrowIfLessThan(cost, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(addedUnits);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(addedUnits, cost);
        ArgumentOutOfRangeException.ThrowIfNegative(unknownUnits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(unknownUnits, cost - addedUnits);
        return new PreparedInput(payload, cost, unknownUnits, addedUnits, null);
    }

    /// <summary>Creates an input that cannot be embedded.</summary>
    /// <param name="problem">Why, in words.</param>
    /// <returns>The input.</returns>
    public static PreparedInput Unusable(string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        return new PreparedInput(null, 0, 0, 0, problem);
    }
}
