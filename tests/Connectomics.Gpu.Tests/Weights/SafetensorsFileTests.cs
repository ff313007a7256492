using System.Runtime.InteropServices;
using System.Text;
using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Tests.Weights;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Parses_a_hand_built_file_byte_exactly()
    {
        // JSON key order differs from data order on purpose: readers must go by offsets.
        const string json =
            "{\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[8,16]}," +
            "\"__metadata__\":{\"format\":\"pt\",\"note\":\"hand made\"}," +
            "\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}," +
            "\"s\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[16,17]}," +
            "\"z\":{\"dtype\":\"F64\",\"shape\":[0,3],\"data_offsets\":[17,17]}}";
        var header = json + "   ";
        var a = RawSafetensors.Float32(1.5f, -2f);
        var b = RawSafetensors.Int32(7, -1);
        byte[] s = [0xAB];
        var path = _dir.File("hand.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build(header, a, b, s));

        using var file = SafetensorsFile.Open(path);

        Assert.Equal(Path.GetFullPath(path), file.Path);
        Assert.Equal(Encoding.UTF8.GetByteCount(header), file.HeaderLength);
        Assert.Equal(8 + file.HeaderLength, file.DataOffset);
        Assert.Equal(17, file.DataLength);
        Assert.Equal(new FileInfo(path).Length, file.FileLength);
        Assert.Equal(["a", "b", "s", "z"], file.Tensors.Select(t => t.Name));
        Assert.Equal(4, file.Count);

        var ta = file.GetTensor("a");
        Assert.Equal(SafetensorsDType.F32, ta.DType);
        Assert.Equal([1L, 2L], ta.Shape);
        Assert.Equal((0L, 8L, 8L, 2L), (ta.DataBegin, ta.DataEnd, ta.ByteLength, ta.ElementCount));
        Assert.Equal(a, file.GetTensorData("a").ToArray());

        var tb = file.GetTensor("b");
        Assert.Equal(SafetensorsDType.I32, tb.DType);
        Assert.Equal((8L, 16L), (tb.DataBegin, tb.DataEnd));
        Assert.Equal(new[] { 7, -1 }, MemoryMarshal.Cast<byte, int>(file.GetTensorData(tb)).ToArray());

        var ts = file.GetTensor("s");
        Assert.Empty(ts.Shape);
        Assert.Equal(1, ts.ElementCount);
        Assert.Equal(s, file.GetTensorData(ts).ToArray());

        var tz = file.GetTensor("z");
        Assert.Equal([0L, 3L], tz.Shape);
        Assert.Equal(0, tz.ElementCount);
        Assert.Equal(0, file.GetTensorData(tz).Length);

        Assert.NotNull(file.Metadata);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("hand made", file.Metadata["note"]);
        Assert.Equal(2, file.Metadata.Count);

        // The pointer addresses the same bytes, at the right place in the file.
        var pointer = file.GetTensorDataPointer(tb);
        var copy = new byte[8];
        Marshal.Copy(pointer, copy, 0, 8);
        Assert.Equal(b, copy);
        Assert.Equal(8, file.GetTensorDataPointer(tb) - file.GetTensorDataPointer(ta));

        using var stream = file.OpenTensorStream(ta);
        Assert.Equal(8, stream.Length);
        Assert.False(stream.CanWrite);
        var read = new byte[8];
        stream.ReadExactly(read);
        Assert.Equal(a, read);
    }

    [Fact]
    public void An_empty_header_without_metadata_is_valid()
    {
        var path = _dir.File("empty.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build("{}      "));

        using var file = SafetensorsFile.Open(path);

        Assert.Equal(0, file.Count);
        Assert.Null(file.Metadata);
        Assert.Equal(0, file.DataLength);
    }

    [Fact]
    public void Lookups_of_unknown_or_foreign_tensors_fail_clearly()
    {
        var path1 = _dir.File("one.safetensors");
        var path2 = _dir.File("two.safetensors");
        const string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        File.WriteAllBytes(path1, RawSafetensors.Build(json, RawSafetensors.Float32(1f)));
        File.WriteAllBytes(path2, RawSafetensors.Build(json, RawSafetensors.Float32(2f)));
        using var one = SafetensorsFile.Open(path1);
        using var two = SafetensorsFile.Open(path2);

        var missing = Assert.Throws<KeyNotFoundException>(() => one.GetTensor("nope"));
        Assert.Contains("'nope'", missing.Message, StringComparison.Ordinal);
        Assert.Contains(one.Path, missing.Message, StringComparison.Ordinal);
        Assert.False(one.Contains("nope"));
        Assert.True(one.Contains("w"));
        Assert.False(one.TryGetTensor("nope", out _));

        Assert.Throws<ArgumentException>(() => one.GetTensorDataPointer(two.GetTensor("w")));
    }

    [Fact]
    public void Disposed_files_refuse_reads_and_dispose_twice_is_harmless()
    {
        var path = _dir.File("d.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", [5]));
        var file = SafetensorsFile.Open(path);
        var info = file.GetTensor("w");

        file.Dispose();
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.GetTensorDataPointer(info));
        Assert.Throws<ObjectDisposedException>(() => file.GetTensorData("w").Length);

        // Disposing released the file: it can be deleted and rewritten.
        File.Delete(path);
    }

    [Fact]
    public void A_missing_file_throws_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(_dir.File("absent.safetensors")));
    }

    public static TheoryData<string, byte[], string?, string> MalformedFiles()
    {
        static byte[] H(string header, params byte[][] data) => RawSafetensors.Build(header, data);
        static string T(string name, string dtype, string shape, string offsets) =>
            $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";
        var four = new byte[4];
        var eight = new byte[8];
        var twelve = new byte[12];

        return new TheoryData<string, byte[], string?, string>
        {
            { "shorter than the length prefix", [1, 2, 3, 4, 5], null, "too short" },
            { "header length over the limit", RawSafetensors.BuildWithDeclaredLength(100_000_001, Encoding.UTF8.GetBytes("{}")), null, "exceeds the limit" },
            { "header length past the end", RawSafetensors.BuildWithDeclaredLength(64, Encoding.UTF8.GetBytes("{}      ")), null, "runs past the end of the file" },
            { "header not UTF-8", RawSafetensors.Build([(byte)'{', 0xFF, (byte)'}']), null, "not valid UTF-8" },
            { "header not starting with a brace", H(" {}"), null, "starting with '{'" },
            { "header that is an array", H("[]"), null, "starting with '{'" },
            { "newline padding", H("{}\n"), null, "followed only by space (0x20) padding" },
            { "trailing garbage", H("{}x"), null, "followed only by space (0x20) padding" },
            { "invalid JSON", H("{\"a\":}"), null, "not valid JSON" },
            { "two JSON objects", H("{}{}"), null, "not valid JSON" },
            { "unknown dtype", H("{" + T("w", "F8_E8M0", "[4]", "[0,4]") + "}", four), "w", "\"F8_E8M0\"" },
            { "lower-case dtype", H("{" + T("w", "f32", "[1]", "[0,4]") + "}", four), "w", "\"f32\"" },
            { "dtype not a string", H("{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", four), "w", "not a string" },
            { "byte length not numel times size", H("{" + T("w", "F32", "[2,2]", "[0,12]") + "}", twelve), "w", "needs 4 × 4 = 16 bytes" },
            { "offsets past the buffer", H("{" + T("w", "F32", "[2]", "[0,8]") + "}", four), "w", "run past the end of the 4-byte data buffer" },
            { "end before begin", H("{" + T("w", "F32", "[0]", "[8,0]") + "}", eight), "w", "end comes before its begin" },
            { "overlapping tensors", H("{" + T("a", "F32", "[2]", "[0,8]") + "," + T("b", "F32", "[2]", "[4,12]") + "}", twelve), "b", "overlaps tensor 'a'" },
            { "gap between tensors", H("{" + T("a", "F32", "[1]", "[0,4]") + "," + T("b", "F32", "[1]", "[8,12]") + "}", twelve), "b", "gap of 4 bytes" },
            { "buffer not fully covered", H("{" + T("a", "F32", "[1]", "[0,4]") + "}", eight), null, "the last 4 bytes belong to no tensor" },
            { "duplicate tensor", H("{" + T("a", "F32", "[1]", "[0,4]") + "," + T("a", "F32", "[1]", "[4,8]") + "}", eight), "a", "more than once" },
            { "negative dimension", H("{" + T("w", "F32", "[-1]", "[0,0]") + "}"), "w", "not a non-negative integer" },
            { "fractional dimension", H("{" + T("w", "F32", "[1.5]", "[0,4]") + "}", four), "w", "not a non-negative integer" },
            { "shape not an array", H("{\"w\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,4]}}", four), "w", "not an array of integers" },
            { "three data offsets", H("{" + T("w", "F32", "[1]", "[0,4,4]") + "}", four), "w", "needs exactly two" },
            { "missing data_offsets", H("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", four), "w", "no \"data_offsets\"" },
            { "missing shape", H("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", four), "w", "no \"shape\"" },
            { "missing dtype", H("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", four), "w", "no \"dtype\"" },
            { "tensor entry not an object", H("{\"w\":5}"), "w", "must be a JSON object" },
            { "duplicate field", H("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", four), "w", "the field \"dtype\" more than once" },
            { "metadata value not a string", H("{\"__metadata__\":{\"format\":1}}"), null, "entry 'format' must be a string" },
            { "metadata not an object", H("{\"__metadata__\":[]}"), null, "must be a JSON object of strings" },
            { "metadata twice", H("{\"__metadata__\":{},\"__metadata__\":{}}"), null, "more than once" },
            { "size overflows", H("{" + T("w", "F64", "[4611686018427387904,4]", "[0,0]") + "}"), "w", "overflows" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedFiles))]
    public void Malformed_files_throw_a_clear_format_error(string description, byte[] bytes, string? tensor, string fragment)
    {
        var path = _dir.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));

        Assert.True(ex.Message.Contains(fragment, StringComparison.Ordinal), $"{description}: '{ex.Message}' lacks '{fragment}'.");
        Assert.Equal(Path.GetFullPath(path), ex.FilePath);
        Assert.Contains(Path.GetFullPath(path), ex.Message, StringComparison.Ordinal);
        Assert.Equal(tensor, ex.TensorName);
        if (tensor is not null)
        {
            Assert.Contains($"'{tensor}'", ex.Message, StringComparison.Ordinal);
        }

        Assert.IsAssignableFrom<ConnectomicsException>(ex);

        // A failed open must not keep the file open or mapped.
        File.Delete(path);
    }
}
