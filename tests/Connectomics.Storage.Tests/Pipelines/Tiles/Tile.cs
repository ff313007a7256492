namespace Connectomics.Storage.Tests.Pipelines.Tiles;

/// <summary>A record that makes <see cref="Rows"/> table rows (as a volume block makes one per cell), none when 0.</summary>
public sealed record Tile(string Id, int Rows);
