using System.ComponentModel.DataAnnotations;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Blocks;

/// <summary>How a volume is cut into blocks: the write box of each block, the halo its reads add, what the halo reads
/// outside the volume, and which blocks are skipped. Validated when a <see cref="BlockGrid"/> is made.</summary>
public sealed class BlockGridOptions : IValidatableObject
{
    /// <summary>The default block extent on each axis.</summary>
    public const long DefaultBlockExtent = 512;

    /// <summary>The default halo on each axis.</summary>
    public const long DefaultHaloExtent = 64;

    /// <summary>Gets or sets the extent of a block's write box (edge blocks are cut to the volume).</summary>
    /// <value>The default value is 512 on each axis.</value>
    public Index3 BlockSize { get; set; } = Index3.All(DefaultBlockExtent);

    /// <summary>Gets or sets the margin a block's read box adds to its write box on both sides of each axis.</summary>
    /// <value>The default value is 64 on each axis.</value>
    public Index3 Halo { get; set; } = Index3.All(DefaultHaloExtent);

    /// <summary>Gets or sets what the parts of read boxes outside the array read.</summary>
    /// <value>The default value is <see cref="Boundary.Fill"/>.</value>
    public Boundary Boundary { get; set; } = Boundary.Fill;

    /// <summary>Gets or sets whether blocks whose read box takes voxels only from chunks that are not stored or hold only
    /// the fill value are skipped.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool SkipEmpty { get; set; }

    /// <summary>Gets or sets the caller's skip check (daisy's <c>check_function</c>): a block for which it returns
    /// <see langword="true"/> is skipped (done already, out of a mask, …). Checked before <see cref="SkipEmpty"/>.</summary>
    /// <value>The default value is <see langword="null"/>: no block is skipped by a predicate.</value>
    public Func<Block, CancellationToken, ValueTask<bool>>? SkipWhen { get; set; }

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new BlockGridOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(BlockGridOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks the block size, halo and boundary.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (BlockSize.Z < 1 || BlockSize.Y < 1 || BlockSize.X < 1)
        {
            yield return new ValidationResult($"{nameof(BlockSize)} {BlockSize} must be at least 1 on every axis.", [nameof(BlockSize)]);
        }

        if (Halo.Z < 0 || Halo.Y < 0 || Halo.X < 0)
        {
            yield return new ValidationResult($"{nameof(Halo)} {Halo} cannot be negative.", [nameof(Halo)]);
        }

        if (!Enum.IsDefined(Boundary))
        {
            yield return new ValidationResult($"{nameof(Boundary)} {(int)Boundary} is not a boundary rule.", [nameof(Boundary)]);
        }
    }
}
