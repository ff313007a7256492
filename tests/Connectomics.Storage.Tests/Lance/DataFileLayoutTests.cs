using System.Buffers.Binary;
using Apache.Arrow;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Files;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Schema;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.Storage.Tests.Lance;

public sealed class DataFileLayoutTests
{
    private static async Task<byte[]> WriteMinimal(LanceDataStorageVersion version)
    {
        var batch = SampleBatches.Vectors(0, 10, 4);
        var fields = new List<LanceFieldInfo>
        {
            new() { Name = "id", Id = 0, LogicalType = "string" },
            new() { Name = "vector", Id = 1, LogicalType = "fixed_size_list:float:4" },
        };
        var types = batch.Schema.FieldsList.Select(f => LanceSchemaConverter.Describe(f.DataType)!).ToList();
        using var stream = new MemoryStream();
        var writer = new DataFileWriter(stream, fields, types, version);
        await writer.WriteAsync(batch, CancellationToken.None);
        var size = await writer.FinishAsync(CancellationToken.None);
        Assert.Equal(stream.Length, size);
        return stream.ToArray();
    }

    [Fact]
    public async Task The_minimal_2_0_file_has_the_layout_the_official_client_accepted()
    {
        // Offsets of the 792-byte data file of the smallest accepted table (ten ids, 4-d vectors).
        var file = await WriteMinimal(LanceDataStorageVersion.V2_0);
        Assert.Equal(792, file.Length);
        var footer = file.AsSpan(752);
        Assert.Equal(461UL, BinaryPrimitives.ReadUInt64LittleEndian(footer));
        Assert.Equal(704UL, BinaryPrimitives.ReadUInt64LittleEndian(footer[8..]));
        Assert.Equal(736UL, BinaryPrimitives.ReadUInt64LittleEndian(footer[16..]));
        Assert.Equal(1U, BinaryPrimitives.ReadUInt32LittleEndian(footer[24..]));
        Assert.Equal(2U, BinaryPrimitives.ReadUInt32LittleEndian(footer[28..]));
        Assert.Equal([0, 0, 3, 0, (byte)'L', (byte)'A', (byte)'N', (byte)'C'], footer[32..].ToArray());
        Assert.Equal([461UL, 124UL, 585UL, 119UL], ReadU64s(file, 704, 4));
        Assert.Equal([384UL, 77UL], ReadU64s(file, 736, 2));
        Assert.Equal([4UL, 8UL, 12UL, 16UL, 20UL, 24UL, 28UL, 32UL, 36UL, 40UL], ReadU64s(file, 0, 10));
        Assert.Equal("id_0id_1id_2id_3id_4id_5id_6id_7id_8id_9", System.Text.Encoding.ASCII.GetString(file, 128, 40));
        Assert.Equal(SampleBatches.Vector(0, 4), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(file.AsSpan(192, 16)).ToArray());
    }

    [Fact]
    public async Task A_2_1_file_aligns_every_buffer_to_64_bytes_and_says_2_1()
    {
        var file = await WriteMinimal(LanceDataStorageVersion.V2_1);
        var footer = file.AsSpan(file.Length - 40);
        Assert.Equal([2, 0, 1, 0], footer[32..36].ToArray());
        var gbo = (int)BinaryPrimitives.ReadUInt64LittleEndian(footer[16..]);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(gbo)) % 64);
    }

    [Fact]
    public void Roaring_bitmaps_decode_array_run_and_bitmap_containers()
    {
        // No-run cookie, one array container (key 0) holding 1, 5, 9.
        byte[] array = [0x3a, 0x30, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 16, 0, 0, 0, 1, 0, 5, 0, 9, 0];
        Assert.Equal([1U, 5U, 9U], DeletionVector.ReadRoaring(array).Order());

        // Run cookie with one container (key 1), run flag set, one run starting at 10 of length 3.
        byte[] run = [0x3b, 0x30, 0, 0, 0x01, 1, 0, 2, 0, 1, 0, 10, 0, 2, 0];
        Assert.Equal([65546U, 65547U, 65548U], DeletionVector.ReadRoaring(run).Order());

        // No-run cookie, one bitmap container (cardinality 4097 > 4096): values 0..4096.
        var bitmap = new byte[16 + 8192];
        BinaryPrimitives.WriteUInt32LittleEndian(bitmap, 12346);
        BinaryPrimitives.WriteUInt32LittleEndian(bitmap.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bitmap.AsSpan(10), 4096);
        BinaryPrimitives.WriteUInt32LittleEndian(bitmap.AsSpan(12), 16);
        for (var v = 0; v <= 4096; v++)
        {
            bitmap[16 + (v / 8)] |= (byte)(1 << (v % 8));
        }

        Assert.Equal(Enumerable.Range(0, 4097).Select(v => (uint)v), DeletionVector.ReadRoaring(bitmap).Order());
    }

    private static ulong[] ReadU64s(byte[] file, int offset, int count) =>
        [.. Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(offset + (i * 8))))];
}
