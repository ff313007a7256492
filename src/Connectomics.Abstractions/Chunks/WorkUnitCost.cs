namespace Connectomics.Chunks;

/// <summary>
/// What a <see cref="WorkUnit"/> is estimated to cost: its size on storage and, when the source knows them, its
/// records and model tokens (or voxels). Shards are balanced by <see cref="Weight"/>.
/// </summary>
/// <param name="Bytes">The unit's size on storage (compressed bytes of a row group, a file's length, a block's bytes).</param>
/// <param name="Rows">The number of records in the unit, when known without reading it.</param>
/// <param name="Tokens">The model tokens (or voxels) the unit holds, when known without reading it.</param>
public readonly record struct WorkUnitCost(long Bytes, long? Rows = null, long? Tokens = null)
{
    /// <summary>
    /// Gets the measure that shards are balanced by: <see cref="Tokens"/> when known, else <see cref="Rows"/>, else
    /// <see cref="Bytes"/>. A source gives every unit of a plan the same kinds of measure, so weights compare.
    /// </summary>
    public long Weight => Tokens ?? Rows ?? Bytes;
}
