namespace Connectomics.Storage.Arrow;

/// <summary>Why a column could not be turned into float vectors, and at which row of the column (if one row).</summary>
internal sealed record FloatVectorProblem(FloatVectorProblemKind Kind, int? Row, string Message);
