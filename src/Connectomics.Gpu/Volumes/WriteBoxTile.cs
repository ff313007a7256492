using Connectomics.Volumes.Geometry;

namespace Connectomics.Gpu.Volumes;

/// <summary>
/// One tile of a block's write box, in volume coordinates: the output voxels the network computes for it, and the part
/// of them the tile owns (the tiles' owned boxes cut the write box without overlap; what a tile computes outside its
/// owned box is dropped).
/// </summary>
/// <param name="Computed">The output voxels computed: its start a multiple of the output stride, its size an output
/// size the network produces.</param>
/// <param name="Owned">The voxels of the write box this tile accounts for, inside <paramref name="Computed"/>.</param>
internal readonly record struct WriteBoxTile(Box3 Computed, Box3 Owned);
