using Connectomics.Storage.Lance.Metadata;

namespace Connectomics.Storage.Tests.Lance.Store;

/// <summary><c>transaction_properties</c>, field 4 of <c>lance.table.Transaction</c>, as protobuf bytes.</summary>
public sealed class TransactionPropertiesTests
{
    [Fact]
    public void Properties_are_written_as_field_4_map_entries_in_key_order_and_read_back()
    {
        var transaction = new TransactionInfo { ReadVersion = 3, Uuid = "u", Operation = TransactionInfo.AppendOperation };
        transaction.Properties["b"] = "2";
        transaction.Properties["a"] = "xy";

        var bytes = transaction.Encode();

        // read_version (field 1, varint 3), uuid (field 2, "u"), then one length-delimited field-4 entry per property,
        // each {key: field 1, value: field 2}, then append (field 100, empty).
        byte[] expected =
        [
            0x08, 0x03,
            0x12, 0x01, (byte)'u',
            0x22, 0x07, 0x0a, 0x01, (byte)'a', 0x12, 0x02, (byte)'x', (byte)'y',
            0x22, 0x06, 0x0a, 0x01, (byte)'b', 0x12, 0x01, (byte)'2',
            0xa2, 0x06, 0x00,
        ];
        Assert.Equal(expected, bytes);
        var decoded = TransactionInfo.Decode(bytes);
        Assert.Equal(TransactionInfo.AppendOperation, decoded.Operation);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "xy", ["b"] = "2" }, decoded.Properties);
    }
}
