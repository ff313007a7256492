using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.Storage.Tests.Lance;

public sealed class ManifestTests
{
    /// <summary>The 126-byte manifest of the smallest table LanceDB 0.37.1 accepted, byte for byte.</summary>
    private const string MinimalManifestHex =
        "6a000000" +
        "0a17" + "12026964" + "20ffffffffffffffffff01" + "2a06737472696e67" +
        "0a2e" + "1206766563746f72" + "1801" + "20ffffffffffffffffff01" + "2a17" + "66697865645f73697a655f6c6973743a666c6f61743a34" +
        "121b" + "1217" + "0a0866302e6c616e6365" + "12020001" + "1a020001" + "2002" + "309806" + "200a" +
        "1801" +
        "5800" +
        "0000000000000000" + "0000" + "0200" + "4c414e43";

    private static ManifestInfo Minimal()
    {
        var manifest = new ManifestInfo { Version = 1, MaxFragmentId = 0 };
        manifest.Fields.Add(new LanceFieldInfo { Name = "id", Id = 0, ParentId = -1, LogicalType = "string" });
        manifest.Fields.Add(new LanceFieldInfo { Name = "vector", Id = 1, ParentId = -1, LogicalType = "fixed_size_list:float:4" });
        var file = new DataFileInfo { Path = "f0.lance", MajorVersion = 2, FileSizeBytes = 792 };
        file.Fields.AddRange([0, 1]);
        file.ColumnIndices.AddRange([0, 1]);
        var fragment = new FragmentInfo { Id = 0, PhysicalRows = 10 };
        fragment.Files.Add(file);
        manifest.Fragments.Add(fragment);
        return manifest;
    }

    [Fact]
    public void Minimal_manifest_encodes_to_the_bytes_the_official_client_accepted()
    {
        var bytes = ManifestFile.Encode(Minimal(), indexSection: null, transaction: null);
        Assert.Equal(126, bytes.Length);
        Assert.Equal(MinimalManifestHex, Convert.ToHexString(bytes).ToLowerInvariant());
    }

    [Fact]
    public void Minimal_manifest_decodes()
    {
        var manifest = ManifestFile.Decode(Convert.FromHexString(MinimalManifestHex), "m");
        Assert.Equal(1UL, manifest.Version);
        Assert.Equal(0U, manifest.MaxFragmentId);
        Assert.Equal(["id", "vector"], manifest.Fields.Select(f => f.Name));
        Assert.Equal([-1, -1], manifest.Fields.Select(f => f.ParentId));
        var fragment = Assert.Single(manifest.Fragments);
        Assert.Equal(10UL, fragment.PhysicalRows);
        Assert.Equal([0, 1], fragment.Files[0].ColumnIndices);
        Assert.Equal(792UL, fragment.Files[0].FileSizeBytes);
        Assert.Null(manifest.TransactionSection);
        Assert.Null(manifest.DataFormat);
    }

    [Fact]
    public void Full_manifest_round_trips_with_blocks_and_unknown_fields()
    {
        var manifest = Minimal();
        manifest.Timestamp = new DateTimeOffset(2026, 11, 22, 18, 0, 0, 123, TimeSpan.Zero).AddTicks(4567);
        manifest.WriterLibrary = "connectomics-lance";
        manifest.WriterLibraryVersion = "0.1.0";
        manifest.DataFormat = "lance";
        manifest.DataFormatVersion = "2.1";
        manifest.TransactionFile = "0-abc.txn";
        manifest.ReaderFeatureFlags = 1;
        manifest.WriterFeatureFlags = 1;
        manifest.Config["k"] = "v";
        manifest.TableMetadata["owner"] = "lab";
        manifest.SchemaMetadata["m"] = [1, 2];
        manifest.Fragments[0].DeletionFile = new DeletionFileInfo { FileType = 1, ReadVersion = 3, Id = 99, NumDeletedRows = 2 };
        manifest.UnknownFields.Add([0xa0, 0x01, 0x07]); // field 20 varint 7, preserved verbatim
        var index = new byte[] { 9, 8, 7 };
        var txn = new TransactionInfo { ReadVersion = 0, Uuid = "abc", Operation = TransactionInfo.AppendOperation }.Encode();

        var bytes = ManifestFile.Encode(manifest, index, txn);
        var back = ManifestFile.Decode(bytes, "m");

        Assert.Equal(0UL, back.IndexSection);
        Assert.Equal(7UL, back.TransactionSection);
        Assert.Equal(index, ManifestFile.ReadBlock(bytes, back.IndexSection));
        Assert.Equal(txn, ManifestFile.ReadBlock(bytes, back.TransactionSection));
        Assert.Equal(manifest.Timestamp, back.Timestamp);
        Assert.Equal(("connectomics-lance", "0.1.0"), (back.WriterLibrary, back.WriterLibraryVersion));
        Assert.Equal(("lance", "2.1"), (back.DataFormat, back.DataFormatVersion));
        Assert.Equal("0-abc.txn", back.TransactionFile);
        Assert.Equal((1UL, 1UL), (back.ReaderFeatureFlags, back.WriterFeatureFlags));
        Assert.Equal("v", back.Config["k"]);
        Assert.Equal("lab", back.TableMetadata["owner"]);
        Assert.Equal([1, 2], back.SchemaMetadata["m"]);
        Assert.Equal("_deletions/0-3-99.bin", back.Fragments[0].DeletionFile!.RelativePath(0));
        Assert.Equal(8UL, back.Fragments[0].LiveRows);
        Assert.Equal([0xa0, 0x01, 0x07], Assert.Single(back.UnknownFields));
        Assert.Equal(bytes, ManifestFile.Encode(back, index, txn));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00000000")]
    public void Damaged_manifest_names_the_file(string tail)
    {
        var bytes = Convert.FromHexString(MinimalManifestHex[..^8] + tail);
        var error = Assert.Throws<LanceFormatException>(() => ManifestFile.Decode(bytes, "x.manifest"));
        Assert.Equal("x.manifest", error.FilePath);
    }

    [Fact]
    public void Transactions_round_trip_their_operation()
    {
        var overwrite = new TransactionInfo { ReadVersion = 4, Uuid = "u", Operation = TransactionInfo.OverwriteOperation };
        overwrite.Schema.Add(new LanceFieldInfo { Name = "a", LogicalType = "int32", Nullable = true });
        overwrite.Fragments.Add(new FragmentInfo { PhysicalRows = 5 });
        var back = TransactionInfo.Decode(overwrite.Encode());
        Assert.Equal((4UL, "u", TransactionInfo.OverwriteOperation), (back.ReadVersion, back.Uuid, back.Operation));
        Assert.Equal("a", Assert.Single(back.Schema).Name);
        Assert.Equal(5UL, Assert.Single(back.Fragments).PhysicalRows);

        // A delete (field 101) written by Lance is recognised without being interpreted.
        Assert.Equal(TransactionInfo.DeleteOperation, TransactionInfo.Decode([0x08, 0x02, 0xaa, 0x06, 0x00]).Operation);
    }

    [Theory]
    [InlineData(1UL, "18446744073709551614.manifest")]
    [InlineData(2UL, "18446744073709551613.manifest")]
    public void Manifest_names_use_the_v2_scheme(ulong version, string name)
    {
        Assert.Equal(name, TableLayout.ManifestFileName(version));
        Assert.Equal((version, true), TableLayout.ParseManifestFileName(name));
        Assert.Equal((7UL, false), TableLayout.ParseManifestFileName("7.manifest"));
        Assert.Null(TableLayout.ParseManifestFileName(name + "-staging"));
        Assert.Null(TableLayout.ParseManifestFileName("d3.manifest"));
    }

    [Fact]
    public void Data_file_names_look_like_lance_names()
    {
        var name = TableLayout.NewDataFileName();
        Assert.Matches("^[01]{24}[0-9a-f]{26}\\.lance$", name);
        Assert.NotEqual(name, TableLayout.NewDataFileName());
    }
}
