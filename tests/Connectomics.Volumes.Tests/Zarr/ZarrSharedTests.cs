using System.Text.Json;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Zarr;

namespace Connectomics.Volumes.Tests.Zarr;

/// <summary>Fill values, transposes and fill checks shared by Zarr v2 and v3, against hand-computed values.</summary>
public sealed class ZarrSharedTests
{
    [Theory]
    [InlineData("0", VoxelType.UInt8, "00")]
    [InlineData("255", VoxelType.UInt8, "ff")]
    [InlineData("-1", VoxelType.Int16, "ffff")]
    [InlineData("18446744073709551615", VoxelType.UInt64, "ffffffffffffffff")]
    [InlineData("-9223372036854775808", VoxelType.Int64, "0000000000000080")]
    [InlineData("9007199254740993", VoxelType.Int64, "0100000000002000")]
    [InlineData("5.0", VoxelType.Int32, "05000000")]
    [InlineData("true", VoxelType.Bool, "01")]
    [InlineData("false", VoxelType.Bool, "00")]
    [InlineData("\"NaN\"", VoxelType.Float32, "0000c07f")]
    [InlineData("\"NaN\"", VoxelType.Float64, "000000000000f87f")]
    [InlineData("\"Infinity\"", VoxelType.Float16, "007c")]
    [InlineData("\"-Infinity\"", VoxelType.Float32, "000080ff")]
    [InlineData("0.1", VoxelType.Float32, "cdcccc3d")]
    [InlineData("-2.5", VoxelType.Float64, "00000000000004c0")]
    public void Fill_values_parse_exactly_to_little_endian_elements(string json, VoxelType type, string hex)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(Convert.FromHexString(hex), ZarrFillValue.Parse(document.RootElement, type, allowBitPatterns: false, "here"));
    }

    [Theory]
    [InlineData("256", VoxelType.UInt8)]
    [InlineData("-1", VoxelType.UInt32)]
    [InlineData("32768", VoxelType.Int16)]
    [InlineData("18446744073709551616", VoxelType.UInt64)]
    [InlineData("0.5", VoxelType.Int32)]
    [InlineData("2", VoxelType.Bool)]
    [InlineData("\"NaN\"", VoxelType.Int32)]
    [InlineData("\"nan\"", VoxelType.Float32)]
    [InlineData("\"0x7fc00000\"", VoxelType.Float32)]
    [InlineData("[]", VoxelType.Float32)]
    public void Fill_values_a_type_cannot_hold_name_the_field(string json, VoxelType type)
    {
        using var document = JsonDocument.Parse(json);

        var error = Assert.Throws<VolumeFormatException>(() => ZarrFillValue.Parse(document.RootElement, type, allowBitPatterns: false, "here/.zarray"));

        Assert.Contains("fill_value", error.Message, StringComparison.Ordinal);
        Assert.Equal("here/.zarray", error.Location);
    }

    [Fact]
    public void Bit_patterns_are_read_where_allowed_and_null_is_no_fill_value()
    {
        using var pattern = JsonDocument.Parse("\"0x7fc00001\"");
        using var wrongWidth = JsonDocument.Parse("\"0x7fc0\"");
        using var none = JsonDocument.Parse("null");

        Assert.Equal(Convert.FromHexString("0100c07f"), ZarrFillValue.Parse(pattern.RootElement, VoxelType.Float32, allowBitPatterns: true, "here"));
        Assert.Throws<VolumeFormatException>(() => ZarrFillValue.Parse(wrongWidth.RootElement, VoxelType.Float32, allowBitPatterns: true, "here"));
        Assert.Null(ZarrFillValue.Parse(none.RootElement, VoxelType.UInt8, allowBitPatterns: false, "here"));
    }

    [Theory]
    [InlineData(VoxelType.UInt64, "ffffffffffffffff", "18446744073709551615")]
    [InlineData(VoxelType.Int8, "fd", "-3")]
    [InlineData(VoxelType.Float32, "0000c07f", "\"NaN\"")]
    [InlineData(VoxelType.Float64, "000000000000f0ff", "\"-Infinity\"")]
    [InlineData(VoxelType.Float32, "cdcccc3d", "0.10000000149011612")]
    [InlineData(VoxelType.Bool, "01", "true")]
    public void Fill_values_are_written_as_zarr_python_writes_them_and_read_back_equal(VoxelType type, string hex, string json)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ZarrFillValue.Write(writer, Convert.FromHexString(hex), type, allowBitPatterns: false);
        }

        Assert.Equal(json, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        using var document = JsonDocument.Parse(buffer.ToArray());
        Assert.Equal(Convert.FromHexString(hex), ZarrFillValue.Parse(document.RootElement, type, allowBitPatterns: false, "here"));
    }

    [Fact]
    public void Fill_values_from_numbers_refuse_what_the_type_cannot_hold()
    {
        Assert.Equal(Convert.FromHexString("0000c07f"), ZarrFillValue.FromDouble(double.NaN, VoxelType.Float32));
        Assert.Equal(Convert.FromHexString("fbff"), ZarrFillValue.FromDouble(-5, VoxelType.Int16));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZarrFillValue.FromDouble(65536, VoxelType.UInt16));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZarrFillValue.FromDouble(-1, VoxelType.UInt8));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZarrFillValue.FromDouble(Math.Pow(2, 63), VoxelType.Int64));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZarrFillValue.FromDouble(double.NaN, VoxelType.Int32));
    }

    [Fact]
    public void Transposes_match_hand_computed_layouts()
    {
        // A 2 x 3 C-order array [[0, 1, 2], [3, 4, 5]] transposed is [[0, 3], [1, 4], [2, 5]].
        var source = new ushort[] { 0, 1, 2, 3, 4, 5 };
        var destination = new ushort[6];
        ElementTranspose.Permute(System.Runtime.InteropServices.MemoryMarshal.AsBytes(source.AsSpan()), System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination.AsSpan()), [2, 3], [1, 0], 2);
        Assert.Equal(new ushort[] { 0, 3, 1, 4, 2, 5 }, destination);

        // 2 x 3 x 4, element value = 100z + 10y + x; permutation (2, 0, 1) gives shape 4 x 2 x 3 with d[x][z][y].
        var cube = new byte[24];
        for (var i = 0; i < 24; i++)
        {
            cube[i] = (byte)((i / 12 * 100) + (i / 4 % 3 * 10) + (i % 4));
        }

        var permuted = new byte[24];
        ElementTranspose.Permute(cube, permuted, [2, 3, 4], [2, 0, 1], 1);
        for (var x = 0; x < 4; x++)
        {
            for (var z = 0; z < 2; z++)
            {
                for (var y = 0; y < 3; y++)
                {
                    Assert.Equal((byte)((100 * z) + (10 * y) + x), permuted[(x * 6) + (z * 3) + y]);
                }
            }
        }

        // Reversing twice is the identity, for 8-byte elements and 4 axes.
        var longs = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (long)i * 1_000_000_007).ToArray();
        var once = new long[longs.Length];
        var twice = new long[longs.Length];
        ElementTranspose.Permute(System.Runtime.InteropServices.MemoryMarshal.AsBytes(longs.AsSpan()), System.Runtime.InteropServices.MemoryMarshal.AsBytes(once.AsSpan()), [2, 3, 4, 5], ElementTranspose.Reversal(4), 8);
        ElementTranspose.Permute(System.Runtime.InteropServices.MemoryMarshal.AsBytes(once.AsSpan()), System.Runtime.InteropServices.MemoryMarshal.AsBytes(twice.AsSpan()), [5, 4, 3, 2], ElementTranspose.Reversal(4), 8);
        Assert.Equal(longs, twice);
        Assert.Equal(longs[1], once[2 * 3 * 4]); // index (0,0,0,1) lands at reversed (1,0,0,0)
    }

    [Fact]
    public void Fill_checks_compare_floats_by_value_and_integers_by_bits()
    {
        var nans = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { float.NaN, BitConverter.UInt32BitsToSingle(0x7fc00001), -float.NaN }.AsSpan()).ToArray();
        Assert.True(ChunkFill.IsAllFill(nans, Convert.FromHexString("0000c07f"), VoxelType.Float32));
        var zeros = System.Runtime.InteropServices.MemoryMarshal.AsBytes(new[] { 0.0, -0.0 }.AsSpan()).ToArray();
        Assert.True(ChunkFill.IsAllFill(zeros, new byte[8], VoxelType.Float64));
        Assert.False(ChunkFill.IsAllFill(zeros, new byte[8], VoxelType.Int64));
        Assert.False(ChunkFill.IsAllFill([7, 7, 7, 8], [7], VoxelType.UInt8));
        Assert.True(ChunkFill.IsAllFill([7, 0, 7, 0], [7, 0], VoxelType.UInt16));
    }

    [Fact]
    public void The_part_of_an_edge_chunk_past_the_array_is_filled()
    {
        // A 3 x 4 chunk of which 2 x 3 lie inside the array.
        var chunk = Enumerable.Range(1, 12).Select(i => (byte)i).ToArray();

        ChunkFill.FillOutside(chunk, [3, 4], [2, 3], [0]);

        Assert.Equal(new byte[] { 1, 2, 3, 0, 5, 6, 7, 0, 0, 0, 0, 0 }, chunk);
    }
}
