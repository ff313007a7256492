using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Tests.Weights;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Round_trips_f32_f16_bf16_f64_and_i64()
    {
        float[] f32 = [1f, -2.5f, 3.25f, 1e-7f, float.MaxValue, -0f];
        float[] f16 = [0.5f, -1.75f, 65504f, 6.1035156e-05f];
        float[] bf16 = [1f, -3f, 0.15625f, 3.3895314e38f];
        double[] f64 = [Math.PI, -Math.E, double.Epsilon];
        long[] i64 = [0, 1, long.MaxValue, long.MinValue, -7, 1001];

        var writer = new SafetensorsWriter()
            .Add("f32", SafetensorsDType.F32, [2, 3], RawSafetensors.Float32(f32))
            .Add("f16", SafetensorsDType.F16, [4], RawSafetensors.Float16(f16))
            .Add("bf16", SafetensorsDType.BF16, [2, 1, 2], RawSafetensors.BFloat16(bf16))
            .Add("f64", SafetensorsDType.F64, [3], RawSafetensors.Float64(f64))
            .Add("i64", SafetensorsDType.I64, [1, 6], RawSafetensors.Int64(i64));
        var path = _dir.File("round.safetensors");

        writer.WriteTo(path);
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(5, file.Count);
        AssertInfo(file.GetTensor("f32"), SafetensorsDType.F32, [2, 3]);
        AssertInfo(file.GetTensor("f16"), SafetensorsDType.F16, [4]);
        AssertInfo(file.GetTensor("bf16"), SafetensorsDType.BF16, [2, 1, 2]);
        AssertInfo(file.GetTensor("f64"), SafetensorsDType.F64, [3]);
        AssertInfo(file.GetTensor("i64"), SafetensorsDType.I64, [1, 6]);

        Assert.Equal(f32, MemoryMarshal.Cast<byte, float>(file.GetTensorData("f32")).ToArray());
        Assert.Equal(f16, DecodeHalf(file.GetTensorData("f16")));
        Assert.Equal(bf16, DecodeBFloat16(file.GetTensorData("bf16")));
        Assert.Equal(f64, MemoryMarshal.Cast<byte, double>(file.GetTensorData("f64")).ToArray());
        Assert.Equal(i64, MemoryMarshal.Cast<byte, long>(file.GetTensorData("i64")).ToArray());
        Assert.Equal("pt", file.Metadata!["format"]);
        Assert.Single(file.Metadata);
    }

    [Fact]
    public void Round_trips_scalars_and_empty_tensors()
    {
        var writer = new SafetensorsWriter()
            .Add("scalar", SafetensorsDType.F32, [], RawSafetensors.Float32(42f))
            .Add("empty", SafetensorsDType.F32, [0, 5], ReadOnlyMemory<byte>.Empty)
            .Add("flag", SafetensorsDType.Bool, [2], new byte[] { 1, 0 });
        var path = _dir.File("odd.safetensors");

        writer.WriteTo(path);
        using var file = SafetensorsFile.Open(path);

        Assert.Empty(file.GetTensor("scalar").Shape);
        Assert.Equal(42f, BinaryPrimitives.ReadSingleLittleEndian(file.GetTensorData("scalar")));
        Assert.Equal([0L, 5L], file.GetTensor("empty").Shape);
        Assert.Equal(0, file.GetTensor("empty").ByteLength);
        Assert.Equal(new byte[] { 1, 0 }, file.GetTensorData("flag").ToArray());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("abcde")]
    [InlineData("abcdef")]
    [InlineData("abcdefg")]
    [InlineData("abcdefgh")]
    public void Header_is_padded_with_spaces_to_a_multiple_of_eight(string name)
    {
        var writer = new SafetensorsWriter().Add(name, SafetensorsDType.F32, [1], RawSafetensors.Float32(1f));
        var path = _dir.File("pad.safetensors");

        writer.WriteTo(path);
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, n);

        Assert.Equal(0, n % 8);
        var json = header.TrimEnd(' ');
        Assert.EndsWith("}", json, StringComparison.Ordinal);
        Assert.True(header.Length - json.Length < 8);
        Assert.Equal(new string(' ', header.Length - json.Length), header[json.Length..]);
        Assert.Equal(8 + n + 4, bytes.Length);
    }

    [Fact]
    public void Writes_the_reference_header_bytes_for_known_inputs()
    {
        // Expected headers written out by hand from the format description: compact JSON, "dtype", "shape",
        // "data_offsets" in that order, space padding to a multiple of 8.
        var one = new SafetensorsWriter();
        one.Metadata.Clear();
        one.Add("attn.0", SafetensorsDType.F32, [1, 2, 3], RawSafetensors.Float32(0, 1, 2, 3, 4, 5));
        AssertBytes(one, "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", RawSafetensors.Float32(0, 1, 2, 3, 4, 5));

        var padded = new SafetensorsWriter();
        padded.Metadata.Clear();
        padded.Add("attn0", SafetensorsDType.F32, [1, 1, 2, 3], RawSafetensors.Float32(0, 1, 2, 3, 4, 5));
        AssertBytes(padded, "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ", RawSafetensors.Float32(0, 1, 2, 3, 4, 5));

        var empty = new SafetensorsWriter();
        empty.Metadata.Clear();
        AssertBytes(empty, "{}      ");

        var metadataOnly = new SafetensorsWriter();
        metadataOnly.Metadata.Clear();
        metadataOnly.Metadata["framework"] = "pt";
        AssertBytes(metadataOnly, "{\"__metadata__\":{\"framework\":\"pt\"}}     ");

        var withDefault = new SafetensorsWriter().Add("x", SafetensorsDType.U8, [1], new byte[] { 9 });
        AssertBytes(withDefault, "{\"__metadata__\":{\"format\":\"pt\"},\"x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}    ", [9]);

        static void AssertBytes(SafetensorsWriter writer, string expectedHeader, params byte[][] data)
        {
            using var stream = new MemoryStream();
            writer.WriteTo(stream);
            Assert.Equal(RawSafetensors.Build(expectedHeader, data), stream.ToArray());
        }
    }

    [Fact]
    public void Orders_tensors_by_decreasing_dtype_alignment_then_by_name()
    {
        var writer = new SafetensorsWriter()
            .Add("m.flag", SafetensorsDType.Bool, [1], new byte[1])
            .Add("b.half", SafetensorsDType.F16, [1], new byte[2])
            .Add("z.float", SafetensorsDType.F32, [1], new byte[4])
            .Add("a.byte", SafetensorsDType.U8, [3], new byte[3])
            .Add("a.float", SafetensorsDType.F32, [1], new byte[4])
            .Add("pos", SafetensorsDType.I64, [1], new byte[8])
            .Add("brain", SafetensorsDType.BF16, [1], new byte[2])
            .Add("double", SafetensorsDType.F64, [1], new byte[8])
            .Add("A.float", SafetensorsDType.F32, [1], new byte[4])
            .Add("count", SafetensorsDType.U64, [1], new byte[8])
            .Add("i8", SafetensorsDType.I8, [1], new byte[1])
            .Add("i32", SafetensorsDType.I32, [1], new byte[4]);
        string[] expected = ["count", "pos", "double", "A.float", "a.float", "z.float", "i32", "brain", "b.half", "i8", "a.byte", "m.flag"];
        var path = _dir.File("order.safetensors");

        Assert.Equal(expected, writer.GetLayout().Select(t => t.Name));
        writer.WriteTo(path);
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(expected, file.Tensors.Select(t => t.Name));

        // The header lists the tensors in the same order, after __metadata__.
        var header = Encoding.UTF8.GetString(File.ReadAllBytes(path), 8, (int)file.HeaderLength);
        var positions = expected.Select(n => header.IndexOf($"\"{n}\":", StringComparison.Ordinal)).ToArray();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\"},", header, StringComparison.Ordinal);

        // Every tensor starts at an offset aligned to its element size.
        Assert.All(file.Tensors, t => Assert.Equal(0, (file.DataOffset + t.DataBegin) % t.DType.GetElementSize()));
    }

    [Fact]
    public void Names_are_ordered_by_code_point_like_the_reference()
    {
        // U+FF21 sorts after U+1F600 in UTF-16 order but before it in code-point (UTF-8 byte) order.
        var writer = new SafetensorsWriter()
            .Add("\U0001F600", SafetensorsDType.U8, [1], new byte[1])
            .Add("\uFF21", SafetensorsDType.U8, [1], new byte[1]);

        Assert.Equal(["\uFF21", "\U0001F600"], writer.GetLayout().Select(t => t.Name));
    }

    [Fact]
    public void Streams_each_tensor_after_the_header_one_at_a_time_in_file_order()
    {
        var calls = new List<(string Name, long Position)>();
        using var destination = new MemoryStream();
        var writer = new SafetensorsWriter();
        foreach (var (name, dtype, count) in new[] { ("b", SafetensorsDType.F32, 3), ("a", SafetensorsDType.F32, 2), ("p", SafetensorsDType.I64, 1) })
        {
            writer.Add(name, dtype, [count], stream =>
            {
                calls.Add((name, destination.Length));
                var bytes = new byte[count * dtype.GetElementSize()];
                bytes.AsSpan().Fill((byte)name[0]);
                stream.Write(bytes, 0, 2);
                stream.Write(bytes.AsSpan(2));
            });
        }

        writer.WriteTo(destination);

        var layout = writer.GetLayout();
        Assert.Equal(["p", "a", "b"], calls.Select(c => c.Name));
        var dataStart = destination.Length - writer.DataLength;
        Assert.Equal(layout.Select(t => dataStart + t.DataBegin), calls.Select(c => c.Position));
        Assert.Equal(28, writer.DataLength);

        var path = _dir.File("streamed.safetensors");
        File.WriteAllBytes(path, destination.ToArray());
        using var file = SafetensorsFile.Open(path);
        Assert.All(file.GetTensorData("a").ToArray(), b => Assert.Equal((byte)'a', b));
        Assert.All(file.GetTensorData("b").ToArray(), b => Assert.Equal((byte)'b', b));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void A_callback_that_writes_the_wrong_length_fails_and_leaves_no_file(int written)
    {
        var path = _dir.File("bad.safetensors");
        var writer = new SafetensorsWriter()
            .Add("ok", SafetensorsDType.U8, [2], new byte[2])
            .Add("w", SafetensorsDType.F32, [1], stream => stream.Write(new byte[written]));

        var ex = Assert.Throws<InvalidOperationException>(() => writer.WriteTo(path));

        Assert.Contains("'w'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_dir.Entries());
    }

    [Fact]
    public void A_failed_write_keeps_the_previous_file_and_a_good_one_replaces_it()
    {
        var path = _dir.File("model.safetensors");
        new SafetensorsWriter().Add("old", SafetensorsDType.U8, [1], new byte[] { 1 }).WriteTo(path);
        var before = File.ReadAllBytes(path);

        var failing = new SafetensorsWriter().Add("new", SafetensorsDType.U8, [1], _ => throw new IOException("disk on fire"));
        Assert.Throws<IOException>(() => failing.WriteTo(path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _dir.Entries());

        new SafetensorsWriter().Add("new", SafetensorsDType.U8, [1], new byte[] { 2 }).WriteTo(path);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["new"], file.Tensors.Select(t => t.Name));
        Assert.Equal(["model.safetensors"], _dir.Entries());
    }

    [Fact]
    public void Metadata_is_written_as_given_or_left_out_when_empty()
    {
        var custom = new SafetensorsWriter();
        custom.Metadata["source"] = "unit test";
        custom.Metadata["format"] = "np";
        var customPath = _dir.File("custom.safetensors");
        custom.WriteTo(customPath);
        var none = new SafetensorsWriter();
        none.Metadata.Clear();
        var nonePath = _dir.File("none.safetensors");
        none.WriteTo(nonePath);

        using (var file = SafetensorsFile.Open(customPath))
        {
            Assert.Equal(new Dictionary<string, string> { ["format"] = "np", ["source"] = "unit test" }, file.Metadata);
        }

        using (var file = SafetensorsFile.Open(nonePath))
        {
            Assert.Null(file.Metadata);
        }
    }

    [Fact]
    public void Bad_declarations_are_rejected_when_added()
    {
        var writer = new SafetensorsWriter().Add("w", SafetensorsDType.U8, [1], new byte[1]);

        Assert.Throws<ArgumentException>(() => writer.Add("w", SafetensorsDType.U8, [1], new byte[1]));
        Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", SafetensorsDType.U8, [1], new byte[1]));
        Assert.Throws<ArgumentException>(() => writer.Add("x", SafetensorsDType.F32, [2], new byte[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Add("y", SafetensorsDType.F32, [-1], ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentNullException>(() => writer.Add("z", SafetensorsDType.F32, [1], (Action<Stream>)null!));
        Assert.Equal(1, writer.Count);
        Assert.Equal(1, writer.DataLength);
    }

    private static void AssertInfo(SafetensorsTensorInfo info, SafetensorsDType dtype, long[] shape)
    {
        Assert.Equal(dtype, info.DType);
        Assert.Equal(shape, info.GetShapeArray());
        Assert.Equal(shape.Aggregate(1L, (a, b) => a * b) * dtype.GetElementSize(), info.ByteLength);
    }

    private static float[] DecodeHalf(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length / 2];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
        }

        return values;
    }

    private static float[] DecodeBFloat16(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length / 2];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16);
        }

        return values;
    }
}
