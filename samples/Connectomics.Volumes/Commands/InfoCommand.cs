using System.Globalization;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Stores;
using Connectomics.VolumesTool.Cli;

namespace Connectomics.VolumesTool.Commands;

/// <summary><c>info STORE</c>: the volume's format and each array's shape, data type, chunks and shards, codecs, fill
/// value and voxel size, as <c>name: value</c> lines.</summary>
internal static class InfoCommand
{
    public static async Task<int> RunAsync(string location, TextWriter output, CancellationToken cancellationToken)
    {
        var description = await VolumeStore.Open(location).DescribeAsync(cancellationToken);
        await output.WriteLineAsync($"volume: {description.Location}");
        var ome = description.Images.SelectMany(image => image.Multiscales).Select(m => m.Version).Distinct().ToList();
        await output.WriteLineAsync($"format: {FormatName(description.Format)}{(ome.Count > 0 ? $" (OME-Zarr {string.Join(", ", ome)})" : string.Empty)}");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"arrays: {description.Arrays.Count}{(description.Listed ? string.Empty : " (an http store cannot be listed: arrays no metadata names are not shown)")}"));
        foreach (var array in description.Arrays)
        {
            var where = array.Multiscale is { } image
                ? string.Create(CultureInfo.InvariantCulture, $" (level {array.Level} of the OME-Zarr image at '{(image.Length == 0 ? "/" : image)}')")
                : string.Empty;
            await output.WriteLineAsync($"array {array.Name}{where}:");
            var names = array.DimensionNames is { } dimensions ? $" ({string.Join(", ", dimensions)})" : string.Empty;
            await output.WriteLineAsync($"  shape: {ShapeText.Format(array.Shape)}{names}");
            await output.WriteLineAsync($"  dtype: {DataTypeName(array.DataType)}");
            await output.WriteLineAsync($"  chunks: {ShapeText.Format(array.ChunkShape)}");
            await output.WriteLineAsync($"  shards: {(array.ShardShape is { } shards ? ShapeText.Format(shards) : "none")}");
            await output.WriteLineAsync($"  codecs: {array.CodecSummary}");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  fill value: {array.FillValue}"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  voxel size: {array.VoxelSize.Z} x {array.VoxelSize.Y} x {array.VoxelSize.X} {array.Unit} (z, y, x)"));
            if (array.NotReadable is { } reason)
            {
                await output.WriteLineAsync($"  not readable: {reason}");
            }
        }

        return ExitCodes.Success;
    }

    public static string FormatName(VolumeFormat format) => format switch
    {
        VolumeFormat.ZarrV2 => "Zarr v2",
        VolumeFormat.ZarrV3 => "Zarr v3",
        _ => "Neuroglancer precomputed",
    };

    public static string DataTypeName(Connectomics.Volumes.Data.VoxelType type) => type.ToString().ToLowerInvariant();
}
