using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Connectomics.Volumes.Precomputed;

/// <summary>
/// Decodes a <c>jpeg</c> chunk: a grey (1 channel) or RGB (3 channels) JPEG image whose rows, concatenated, are the
/// chunk's voxels in <c>[x, y, z]</c> Fortran order (CloudVolume writes images <c>x</c> wide and <c>y·z</c> high; any
/// width and height with the right pixel count are accepted). The result is the cut chunk in <c>[c, z, y, x]</c> order.
/// </summary>
internal static class JpegChunkDecoder
{
    /// <summary>Decodes a chunk image.</summary>
    /// <param name="encoded">The JPEG file.</param>
    /// <param name="voxelCount">The number of voxels the chunk file holds (its cut extent's volume).</param>
    /// <param name="channels">1 or 3.</param>
    /// <returns>The voxels, channel after channel.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a JPEG image, or its pixel count is not <paramref name="voxelCount"/>.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> encoded, long voxelCount, int channels)
    {
        try
        {
            if (channels == 1)
            {
                using var grey = Image.Load<L8>(encoded);
                CheckPixelCount(grey.Width, grey.Height, voxelCount);
                var voxels = new byte[voxelCount];
                grey.CopyPixelDataTo(MemoryMarshal.Cast<byte, L8>(voxels.AsSpan()));
                return voxels;
            }

            using var colour = Image.Load<Rgb24>(encoded);
            CheckPixelCount(colour.Width, colour.Height, voxelCount);
            var pixels = new Rgb24[voxelCount];
            colour.CopyPixelDataTo(pixels);
            var planes = new byte[voxelCount * 3];
            var red = planes.AsSpan(0, (int)voxelCount);
            var green = planes.AsSpan((int)voxelCount, (int)voxelCount);
            var blue = planes.AsSpan(2 * (int)voxelCount, (int)voxelCount);
            for (var i = 0; i < pixels.Length; i++)
            {
                var pixel = pixels[i];
                red[i] = pixel.R;
                green[i] = pixel.G;
                blue[i] = pixel.B;
            }

            return planes;
        }
        catch (ImageFormatException exception)
        {
            throw new InvalidDataException($"not a decodable JPEG image: {exception.Message}", exception);
        }
    }

    private static void CheckPixelCount(int width, int height, long voxelCount)
    {
        if ((long)width * height != voxelCount)
        {
            throw new InvalidDataException($"the JPEG image is {width} × {height} = {(long)width * height} pixels; the chunk holds {voxelCount} voxels.");
        }
    }
}
