using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance.Interop;

public sealed class OfficialClientReadsOtherTypesTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-types-");

    public void Dispose() => _db.Delete(recursive: true);

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0)]
    [InlineData(LanceDataStorageVersion.V2_1)]
    public async Task Binary_small_and_unsigned_integers_and_dates_read_back(LanceDataStorageVersion version)
    {
        const int count = 30;
        var schema = new Schema.Builder()
            .Field(new Field("bin", BinaryType.Default, true))
            .Field(new Field("lbin", LargeBinaryType.Default, false))
            .Field(new Field("i8", Int8Type.Default, true))
            .Field(new Field("u8", UInt8Type.Default, false))
            .Field(new Field("i16", Int16Type.Default, false))
            .Field(new Field("u16", UInt16Type.Default, false))
            .Field(new Field("u32", UInt32Type.Default, false))
            .Field(new Field("u64", UInt64Type.Default, false))
            .Field(new Field("day", Date32Type.Default, true))
            .Field(new Field("ns", new TimestampType(TimeUnit.Nanosecond, (string?)null), false))
            .Build();
        var bin = new BinaryArray.Builder();
        var lbin = new LargeBinaryArray.Builder();
        var i8 = new Int8Array.Builder();
        var u8 = new UInt8Array.Builder();
        var i16 = new Int16Array.Builder();
        var u16 = new UInt16Array.Builder();
        var u32 = new UInt32Array.Builder();
        var u64 = new UInt64Array.Builder();
        var day = new Date32Array.Builder();
        var ns = new TimestampArray.Builder(new TimestampType(TimeUnit.Nanosecond, (string?)null));
        for (var i = 0; i < count; i++)
        {
            if (i % 4 == 2)
            {
                bin.AppendNull();
                i8.AppendNull();
                day.AppendNull();
            }
            else
            {
                bin.Append(Enumerable.Range(0, i % 5).Select(b => (byte)(b + i)).ToArray().AsSpan());
                i8.Append((sbyte)(i - 15));
                day.Append(new DateTime(2024, 2, 28).AddDays(i));
            }

            lbin.Append(new byte[] { (byte)i, 255 }.AsSpan());
            u8.Append((byte)(200 + i));
            i16.Append((short)(-1000 * i));
            u16.Append((ushort)(60000 + i));
            u32.Append(4_000_000_000u + (uint)i);
            u64.Append(18_000_000_000_000_000_000UL + (ulong)i);
            ns.Append(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + i));
        }

        var path = Path.Combine(_db.FullName, "types.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, schema, new LanceWriteOptions { DataStorageVersion = version }))
        {
            await writer.WriteAsync(new RecordBatch(schema, [bin.Build(), lbin.Build(), i8.Build(), u8.Build(), i16.Build(), u16.Build(), u32.Build(), u64.Build(), day.Build(), ns.Build()], count));
            await writer.CompleteAsync();
        }

        var result = await LanceDbNode.RunAsync(
            """
            const db = await lancedb.connect(args[0]);
            const table = await db.openTable('types');
            const schema = await table.schema();
            emit({ schema: schema.fields.map(f => `${f.name}:${f.type}`), rows: rowsOf(await table.query().toArrow()) });
            """,
            _db.FullName);
        Assert.Equal(
            ["bin:Binary", "lbin:LargeBinary", "i8:Int8", "u8:Uint8", "i16:Int16", "u16:Uint16", "u32:Uint32", "u64:Uint64", "day:Date32<DAY>", "ns:Timestamp<NANOSECOND>"],
            result.GetProperty("schema").EnumerateArray().Select(e => e.GetString()));
        var rows = result.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(count, rows.Count);
        for (var i = 0; i < count; i++)
        {
            var row = rows[i];
            if (i % 4 == 2)
            {
                Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("bin").ValueKind);
                Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("i8").ValueKind);
                Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("day").ValueKind);
            }
            else
            {
                Assert.Equal(Enumerable.Range(0, i % 5).Select(b => b + i), row.GetProperty("bin").EnumerateArray().Select(e => e.GetInt32()));
                Assert.Equal(i - 15, row.GetProperty("i8").GetInt32());
                Assert.Equal(new DateTimeOffset(new DateTime(2024, 2, 28).AddDays(i), TimeSpan.Zero).ToUnixTimeMilliseconds(), row.GetProperty("day").GetInt64());
            }

            Assert.Equal([i, 255], row.GetProperty("lbin").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(200 + i, row.GetProperty("u8").GetInt32());
            Assert.Equal(-1000 * i, row.GetProperty("i16").GetInt32());
            Assert.Equal(60000 + i, row.GetProperty("u16").GetInt32());
            Assert.Equal(4_000_000_000L + i, row.GetProperty("u32").GetInt64());
            Assert.Equal((18_000_000_000_000_000_000UL + (ulong)i).ToString(System.Globalization.CultureInfo.InvariantCulture), row.GetProperty("u64").GetString());
            Assert.Equal((1_700_000_000L + i) * 1000, row.GetProperty("ns").GetInt64());
        }

        var back = new List<RecordBatch>();
        await foreach (var batch in (await LanceTable.OpenAsync(path)).ScanAsync())
        {
            back.Add(batch);
        }

        var read = Assert.Single(back);
        Assert.Equal(18_000_000_000_000_000_029UL, ((UInt64Array)read.Column(7)).GetValue(29));
        Assert.True(((BinaryArray)read.Column(0)).IsNull(2));
        Assert.Equal([3, 4, 5], ((BinaryArray)read.Column(0)).GetBytes(3).ToArray());
        Assert.Equal([7, 255], ((LargeBinaryArray)read.Column(1)).GetBytes(7).ToArray());
        Assert.Equal(new DateTime(2024, 3, 2), ((Date32Array)read.Column(8)).GetDateTime(3));
    }
}
