using System.Globalization;
using System.Text;

namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// A seeded train/validation split by read id: a read is in validation when a 64-bit hash of the seed and its id
/// falls below the validation fraction. The split depends only on the id, the seed and the fraction, never on the
/// order or the other reads, so adding, removing or shuffling reads does not move the others.
/// </summary>
/// <remarks>Immutable and safe to share between threads.</remarks>
public sealed class LabelledSequenceSplit
{
    private readonly ulong _threshold;
    private readonly ulong _seed;

    /// <summary>Initializes a split.</summary>
    /// <param name="validationFraction">The expected share of reads in validation, in [0, 1].</param>
    /// <param name="seed">The seed; another seed gives another split.</param>
    public LabelledSequenceSplit(double validationFraction, long seed = 0)
    {
        if (!(validationFraction >= 0 && validationFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in [0, 1].");
        }

        ValidationFraction = validationFraction;
        Seed = seed;
        _seed = unchecked((ulong)seed);
        _threshold = validationFraction >= 1 ? ulong.MaxValue : (ulong)(validationFraction * 18446744073709551616.0);
    }

    /// <summary>Gets the expected share of reads in validation.</summary>
    public double ValidationFraction { get; }

    /// <summary>Gets the seed.</summary>
    public long Seed { get; }

    /// <summary>Says whether the read of this id belongs to validation.</summary>
    /// <param name="id">The read id.</param>
    /// <returns><see langword="true"/> for validation.</returns>
    public bool IsValidation(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (ValidationFraction >= 1)
        {
            return true;
        }

        return Hash(id) < _threshold;
    }

    /// <summary>Splits reads, keeping their order within each part.</summary>
    /// <param name="reads">The reads.</param>
    /// <returns>The training and validation reads.</returns>
    public (IReadOnlyList<LabelledSequence> Training, IReadOnlyList<LabelledSequence> Validation) Split(IEnumerable<LabelledSequence> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var training = new List<LabelledSequence>();
        var validation = new List<LabelledSequence>();
        foreach (var read in reads)
        {
            ArgumentNullException.ThrowIfNull(read, nameof(reads));
            (IsValidation(read.Id) ? validation : training).Add(read);
        }

        return (training, validation);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"validation {ValidationFraction:P1}, seed {Seed}");

    private ulong Hash(string id)
    {
        // FNV-1a over the UTF-8 bytes, started from the mixed seed, then a SplitMix64 finaliser for uniform high bits.
        var state = 14695981039346656037UL ^ Mix(_seed);
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(id) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(id, buffer)] : Encoding.UTF8.GetBytes(id);
        foreach (var b in bytes)
        {
            state = unchecked((state ^ b) * 1099511628211UL);
        }

        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
