namespace Connectomics.Volumes.Ome;

/// <summary>One level of an OME-Zarr multiscale image (an entry of <c>datasets</c>): the array's path and its
/// coordinate transformations, one value per axis.</summary>
/// <param name="Path">The array's path relative to the image group (e.g. <c>s0</c>, <c>0</c>).</param>
/// <param name="Scale">The <c>scale</c> transformation: the size of one array step along each axis, in the axis' unit.</param>
/// <param name="Translation">The <c>translation</c> transformation (the position of element 0 along each axis), or
/// <see langword="null"/> when there is none.</param>
public sealed record OmeDataset(string Path, IReadOnlyList<double> Scale, IReadOnlyList<double>? Translation = null);
