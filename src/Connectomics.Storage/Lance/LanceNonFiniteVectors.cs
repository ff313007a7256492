namespace Connectomics.Storage.Lance;

/// <summary>What <see cref="LanceTableWriter"/> does with NaN or infinite values in vector (fixed-size list) columns.</summary>
public enum LanceNonFiniteVectors
{
    /// <summary>Refuse the batch with an <see cref="ArgumentException"/> that names the column and the row; nothing of it is written.</summary>
    Reject = 0,

    /// <summary>Store the values as they are. Vector search over such rows gives undefined distances.</summary>
    Allow = 1,
}
