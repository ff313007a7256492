namespace Connectomics.Storage.Arrow;

/// <summary>The kinds of <see cref="FloatVectorProblem"/>.</summary>
internal enum FloatVectorProblemKind
{
    /// <summary>The column is not a list of float or double.</summary>
    Type,

    /// <summary>A vector, or a value in one, is null.</summary>
    Null,

    /// <summary>A vector has another number of values than the dimension.</summary>
    Length,

    /// <summary>The vectors do not fit in one array.</summary>
    TooLarge,
}
