using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Parquet;

namespace Connectomics.Storage.Tests.Parquet;

/// <summary>Metadata types that other Parquet producers write and the library writer does not.</summary>
public sealed class ParquetMetadataTypeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Narrow_and_unsigned_integers_keep_their_clr_types()
    {
        var path = _dir.File("ints.parquet");
        ParquetTestFiles.WriteRaw(
            path,
            10,
            ("id", ParquetTestFiles.Strings("a", "b")),
            ("sequence", ParquetTestFiles.Strings("A", "C")),
            ("i8", new Int8Array.Builder().Append(-8).AppendNull().Build()),
            ("i16", new Int16Array.Builder().Append(-16).Append(16).Build()),
            ("u8", new UInt8Array.Builder().Append(255).Append(0).Build()),
            ("u16", new UInt16Array.Builder().Append(65535).Append(1).Build()),
            ("u32", new UInt32Array.Builder().Append(uint.MaxValue).Append(2).Build()),
            ("u64", new UInt64Array.Builder().Append(ulong.MaxValue).Append(3).Build()));

        var read = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { path }, IncludeAllOtherColumns = true });

        var first = read[0].Metadata;
        Assert.Equal((sbyte)-8, Assert.IsType<sbyte>(first["i8"]));
        Assert.Equal((short)-16, Assert.IsType<short>(first["i16"]));
        Assert.Equal((byte)255, Assert.IsType<byte>(first["u8"]));
        Assert.Equal((ushort)65535, Assert.IsType<ushort>(first["u16"]));
        Assert.Equal(uint.MaxValue, Assert.IsType<uint>(first["u32"]));
        Assert.Equal(ulong.MaxValue, Assert.IsType<ulong>(first["u64"]));
        Assert.Null(read[1].Metadata["i8"]);
    }

    [Fact]
    public async Task Timestamps_of_any_unit_read_as_utc_and_those_without_a_time_zone_are_taken_as_utc()
    {
        var path = _dir.File("times.parquet");
        var instant = new DateTimeOffset(2023, 3, 4, 5, 6, 7, 890, TimeSpan.Zero).AddTicks(1230);
        var naive = new TimestampArray.Builder(new TimestampType(Apache.Arrow.Types.TimeUnit.Nanosecond, (string?)null)).Append(instant).AppendNull().Build();
        var millis = new TimestampArray.Builder(new TimestampType(Apache.Arrow.Types.TimeUnit.Millisecond, "UTC")).Append(instant).Append(instant).Build();
        ParquetTestFiles.WriteRaw(path, 10, ("id", ParquetTestFiles.Strings("a", "b")), ("sequence", ParquetTestFiles.Strings("A", "C")), ("naive", naive), ("ms", millis));

        var read = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { path }, MetadataColumns = { "naive", "ms" } });

        var fromNaive = Assert.IsType<DateTimeOffset>(read[0].Metadata["naive"]);
        var fromMillis = Assert.IsType<DateTimeOffset>(read[0].Metadata["ms"]);
        Assert.Equal((instant, TimeSpan.Zero), (fromNaive, fromNaive.Offset));
        Assert.Equal(new DateTimeOffset(2023, 3, 4, 5, 6, 7, 890, TimeSpan.Zero), fromMillis);
        Assert.Null(read[1].Metadata["naive"]);
    }

    [Fact]
    public async Task Dictionary_encoded_columns_read_as_their_values()
    {
        var path = _dir.File("categorical.parquet");
        var type = new DictionaryType(Int8Type.Default, StringType.Default, ordered: false);
        var samples = new DictionaryArray(type, new Int8Array.Builder().Append(1).Append(0).AppendNull().Append(1).Build(), ParquetTestFiles.Strings("liver", "brain"));
        var ids = new DictionaryArray(type, new Int8Array.Builder().Append(0).Append(1).Append(2).Append(3).Build(), ParquetTestFiles.Strings("a", "b", "c", "d"));
        ParquetTestFiles.WriteRaw(path, 10, storeArrowSchema: true, ("id", ids), ("sequence", ParquetTestFiles.Strings("A", "C", "G", "T")), ("sample", samples));
        using (var check = new ParquetSharp.Arrow.FileReader(path))
        {
            Assert.IsType<DictionaryType>(check.Schema.GetFieldByName("sample").DataType);
        }

        var read = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { path }, MetadataColumns = { "sample" } });

        Assert.Equal(["a", "b", "c", "d"], read.Select(r => r.Id));
        Assert.Equal(["brain", "liver", null, "brain"], read.Select(r => r.Metadata["sample"]));
    }

    [Fact]
    public async Task A_large_row_group_streams_in_batches_of_the_configured_size()
    {
        var path = _dir.File("large.parquet");
        const int rows = 100_000;
        var ids = new StringArray.Builder();
        var sequences = new StringArray.Builder();
        for (var i = 0; i < rows; i++)
        {
            ids.Append($"r{i}");
            sequences.Append("ACGTACGTAC");
        }

        ParquetTestFiles.WriteRaw(path, rows, ("id", ids.Build()), ("sequence", sequences.Build()));
        Assert.Equal([(long)rows], ParquetTestFiles.RowGroupSizes(path));

        var sizes = new List<int>();
        string? last = null;
        await foreach (var batch in new ParquetSequenceSource(new ParquetSequenceSourceOptions { Inputs = { path }, BatchSize = 4096 }).ReadBatchesAsync())
        {
            sizes.Add(batch.Records.Count);
            last = batch.Records[^1].Id;
        }

        Assert.Equal(rows / 4096 + 1, sizes.Count);
        Assert.All(sizes[..^1], s => Assert.Equal(4096, s));
        Assert.Equal(rows % 4096, sizes[^1]);
        Assert.Equal($"r{rows - 1}", last);
    }

    [Fact]
    public async Task A_file_with_no_records_reads_as_empty()
    {
        var path = _dir.File("empty.parquet");
        await using (var writer = new ParquetSequenceWriter(new ParquetSequenceWriterOptions { Path = path }))
        {
            await writer.CompleteAsync();
        }

        var options = new ParquetSequenceSourceOptions { Inputs = { path } };
        Assert.Empty(await ParquetTestFiles.ReadAllAsync(options));
        options.StartPosition = new ParquetReadPosition(path, 0, 0);
        Assert.Empty(await ParquetTestFiles.ReadAllAsync(options));
    }
}
