namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>A row of an in-memory table.</summary>
public sealed record StoredRow(string Id, object?[] Columns, float[] Vector);
