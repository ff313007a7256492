using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// How a volume is cut into blocks: block size, halo, boundary rule and which blocks are skipped. Set fluently in
/// <see cref="VolumePipelineBuilder.Blocks"/>; defaults as <see cref="BlockGridOptions"/> (512³ blocks, 64 halo, fill).
/// </summary>
public sealed class BlockSettings
{
    internal BlockSettings()
    {
    }

    /// <summary>Gets the block size.</summary>
    /// <value>The default value is 512 on every axis.</value>
    public Index3 BlockSize { get; private set; } = Index3.All(BlockGridOptions.DefaultBlockExtent);

    /// <summary>Gets the halo in voxels, or null when it is the model's context (<see cref="HaloSize.Auto"/>).</summary>
    /// <value>The default value is 64 on every axis.</value>
    public Index3? HaloVoxels { get; private set; } = Index3.All(BlockGridOptions.DefaultHaloExtent);

    /// <summary>Gets what reads outside the volume return.</summary>
    /// <value>The default value is <see cref="Reading.Boundary.Fill"/>.</value>
    public Boundary BoundaryRule { get; private set; } = Connectomics.Volumes.Reading.Boundary.Fill;

    /// <summary>Gets a value indicating whether blocks whose read box holds only the fill value are skipped.</summary>
    public bool SkipsEmpty { get; private set; }

    /// <summary>Gets the caller's skip predicate, or null.</summary>
    public Func<Block, CancellationToken, ValueTask<bool>>? SkipPredicate { get; private set; }

    /// <summary>Sets a cubic block size.</summary>
    /// <param name="size">The extent on every axis.</param>
    /// <returns>These settings.</returns>
    public BlockSettings Size(long size) => Size(Index3.All(size));

    /// <summary>Sets the block size (the write box; edge blocks are cut at the volume's edge).</summary>
    /// <param name="size">The extent per axis.</param>
    /// <returns>These settings.</returns>
    public BlockSettings Size(Index3 size)
    {
        BlockSize = size;
        return this;
    }

    /// <summary>Sets the same halo on every axis.</summary>
    /// <param name="halo">The voxels read around the write box on each side.</param>
    /// <returns>These settings.</returns>
    public BlockSettings Halo(long halo) => Halo(Index3.All(halo));

    /// <summary>Sets the halo per axis: the voxels read around the write box on each side.</summary>
    /// <param name="halo">The halo.</param>
    /// <returns>These settings.</returns>
    public BlockSettings Halo(Index3 halo)
    {
        HaloVoxels = halo;
        return this;
    }

    /// <summary>Sets the halo to the model's context (<see cref="HaloSize.Auto"/>).</summary>
    /// <param name="halo">The halo rule.</param>
    /// <returns>These settings.</returns>
    public BlockSettings Halo(HaloSize halo)
    {
        if (!Enum.IsDefined(halo))
        {
            throw new ArgumentOutOfRangeException(nameof(halo), halo, "Not a halo rule.");
        }

        HaloVoxels = null;
        return this;
    }

    /// <summary>Sets what reads outside the volume return.</summary>
    /// <param name="boundary">The rule.</param>
    /// <returns>These settings.</returns>
    public BlockSettings Boundary(Boundary boundary)
    {
        BoundaryRule = boundary;
        return this;
    }

    /// <summary>Skips blocks whose read box holds only the fill value (chunks not stored or all fill); they count as done.</summary>
    /// <returns>These settings.</returns>
    public BlockSettings SkipEmpty()
    {
        SkipsEmpty = true;
        return this;
    }

    /// <summary>Skips blocks for which <paramref name="predicate"/> returns true (checked before anything is read).</summary>
    /// <param name="predicate">The predicate.</param>
    /// <returns>These settings.</returns>
    public BlockSettings SkipWhen(Func<Block, CancellationToken, ValueTask<bool>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        SkipPredicate = predicate;
        return this;
    }

    /// <summary>Skips blocks for which <paramref name="predicate"/> returns true (checked before anything is read).</summary>
    /// <param name="predicate">The predicate.</param>
    /// <returns>These settings.</returns>
    public BlockSettings SkipWhen(Func<Block, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        SkipPredicate = (block, _) => ValueTask.FromResult(predicate(block));
        return this;
    }
}
