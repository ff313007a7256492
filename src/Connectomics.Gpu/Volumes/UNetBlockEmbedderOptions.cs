using System.ComponentModel.DataAnnotations;
using Connectomics.Gpu.Models.UNet;

namespace Connectomics.Gpu.Volumes;

/// <summary>How a <see cref="UNetBlockEmbedder"/> pools and tiles. Validated once, when the embedder is made.</summary>
public sealed class UNetBlockEmbedderOptions : IValidatableObject
{
    /// <summary>Gets or sets how the per-voxel features of a row's box become its vector.</summary>
    /// <value>The default value is <see cref="VoxelPooling.Mean"/>.</value>
    public VoxelPooling Pooling { get; set; } = VoxelPooling.Mean;

    /// <summary>
    /// Gets or sets the output voxels each tile computes per axis. Each axis is rounded down to a multiple of the
    /// model's output stride and raised to its smallest output; the device holds one tile's feature maps at a time.
    /// The vectors do not depend on it (beyond float rounding), so it is not part of the fingerprint.
    /// </summary>
    /// <value>The default value is <see cref="UNet3dTiling.Default"/> (64 output voxels per axis).</value>
    [Required]
    public UNet3dTiling Tiling { get; set; } = UNet3dTiling.Default;

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new UNetBlockEmbedderOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(UNetBlockEmbedderOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks the pooling and the tile size.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Pooling))
        {
            yield return new ValidationResult($"{nameof(Pooling)} {(int)Pooling} is not a pooling.", [nameof(Pooling)]);
        }

        var tile = Tiling?.OutputTileSize;
        if (tile is { } size && (size.Z < 1 || size.Y < 1 || size.X < 1))
        {
            yield return new ValidationResult($"{nameof(Tiling)}.{nameof(UNet3dTiling.OutputTileSize)} {size} must be at least 1 on every axis.", [nameof(Tiling)]);
        }
    }
}
