using Apache.Arrow;
using Connectomics.Storage.Parquet;

namespace Connectomics.Storage.Tests.Parquet;

public sealed class ParquetInputErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<ParquetInputException> ReadFails(ParquetSequenceSourceOptions options)
    {
        var error = await Assert.ThrowsAsync<ParquetInputException>(() => ParquetTestFiles.ReadAllAsync(options));
        Assert.IsAssignableFrom<ConnectomicsException>(error);
        return error;
    }

    private static async Task<ParquetInputException> ReadFails(string path, Action<ParquetSequenceSourceOptions>? configure = null)
    {
        var options = new ParquetSequenceSourceOptions { Inputs = { path } };
        configure?.Invoke(options);
        return await ReadFails(options);
    }

    [Fact]
    public async Task A_missing_file_is_named()
    {
        var path = _dir.File("absent.parquet");

        var error = await ReadFails(path);

        Assert.Equal(ParquetInputError.FileNotFound, error.Error);
        Assert.Equal(path, error.FilePath);
        Assert.Equal($"'{path}': the file does not exist.", error.Message);
    }

    [Fact]
    public async Task A_glob_or_directory_that_matches_nothing_is_named()
    {
        var glob = Path.Combine(_dir.Path, "**", "*.parquet");
        await File.WriteAllTextAsync(_dir.File("notes.txt"), "x");

        var globError = await ReadFails(glob);
        var directoryError = await ReadFails(_dir.Path);

        Assert.Equal(ParquetInputError.FileNotFound, globError.Error);
        Assert.Equal($"'{glob}': the pattern matches no file.", globError.Message);
        Assert.Equal(ParquetInputError.FileNotFound, directoryError.Error);
        Assert.Contains("holds no *.parquet file", directoryError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_bytes_are_not_parquet()
    {
        var path = _dir.File("random.parquet");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);

        var error = await ReadFails(path);

        Assert.Equal(ParquetInputError.NotParquet, error.Error);
        Assert.Equal(path, error.FilePath);
        Assert.Contains($"'{path}': the file is not a Parquet file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_file_is_reported_as_empty()
    {
        var path = _dir.File("empty.parquet");
        await File.WriteAllBytesAsync(path, []);

        var error = await ReadFails(path);

        Assert.Equal(ParquetInputError.NotParquet, error.Error);
        Assert.Equal($"'{path}': the file is empty (0 bytes), not a Parquet file.", error.Message);
    }

    [Fact]
    public async Task A_truncated_file_is_reported_as_truncated_or_not_parquet()
    {
        var path = _dir.File("cut.parquet");
        await ParquetTestFiles.WriteSequencesAsync(path, "c", 100, rowGroupSize: 10);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var error = await ReadFails(path);

        Assert.Equal(ParquetInputError.Corrupt, error.Error);
        Assert.Null(error.RowGroup);
        Assert.Equal(
            $"'{path}': the file is truncated or not a Parquet file: it starts with the Parquet magic bytes 'PAR1' but does not end with them ({bytes.Length / 2} bytes).",
            error.Message);
        Assert.DoesNotContain("N7parquet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damaged_data_pages_name_the_file_and_row_group()
    {
        var path = _dir.File("damaged.parquet");
        await ParquetTestFiles.WriteSequencesAsync(path, "d", 20, rowGroupSize: 10);
        var bytes = await File.ReadAllBytesAsync(path);
        // Overwrite the first page header (it follows the leading magic bytes) with garbage; the footer stays intact.
        for (var i = 4; i < 24; i++)
        {
            bytes[i] = 0xFF;
        }

        await File.WriteAllBytesAsync(path, bytes);

        var error = await ReadFails(path);

        Assert.Equal(ParquetInputError.Corrupt, error.Error);
        Assert.Equal(0, error.RowGroup);
        Assert.Contains($"'{path}', row group 0: the data cannot be decoded after row 0 of the row group (", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_missing_column_lists_the_available_columns()
    {
        var path = _dir.File("cols.parquet");
        await ParquetTestFiles.WriteSequencesAsync(path, "c", 3, rowGroupSize: 10);

        var error = await ReadFails(path, o => o.MetadataColumns.Add("quality"));

        Assert.Equal(ParquetInputError.ColumnMissing, error.Error);
        Assert.Equal("quality", error.Column);
        Assert.Equal(
            $"'{path}', column 'quality': the column does not exist; the file has columns 'id', 'sequence', 'n', 'source'.",
            error.Message);
    }

    [Fact]
    public async Task A_sequence_column_of_the_wrong_type_is_named_with_its_type()
    {
        var path = _dir.File("typed.parquet");
        ParquetTestFiles.WriteRaw(path, 10, ("id", ParquetTestFiles.Strings("a", "b")), ("sequence", ParquetTestFiles.Ints(1, 2)));

        var error = await ReadFails(path);

        Assert.Equal(ParquetInputError.ColumnType, error.Error);
        Assert.Equal("sequence", error.Column);
        Assert.Equal(
            $"'{path}', column 'sequence': the column has type int32; the sequence column must be a string column.",
            error.Message);
    }

    [Fact]
    public async Task A_metadata_column_of_an_unsupported_type_is_named()
    {
        var path = _dir.File("binary.parquet");
        var blobs = new BinaryArray.Builder().Append([1, 2]).Append([3]).Build();
        ParquetTestFiles.WriteRaw(path, 10, ("id", ParquetTestFiles.Strings("a", "b")), ("sequence", ParquetTestFiles.Strings("A", "C")), ("blob", blobs));

        var error = await ReadFails(path, o => o.IncludeAllOtherColumns = true);

        Assert.Equal(ParquetInputError.ColumnType, error.Error);
        Assert.Equal("blob", error.Column);
        Assert.Contains("has type binary; metadata columns must have one of the types", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_id_names_the_file_row_group_row_and_column()
    {
        var path = _dir.File("null-id.parquet");
        ParquetTestFiles.WriteRaw(
            path,
            rowGroupSize: 3,
            ("id", ParquetTestFiles.Strings("a", "b", "c", "d", null, "f")),
            ("sequence", ParquetTestFiles.Strings("A", "C", "G", "T", "A", "C")));

        var error = await ReadFails(path);

        Assert.Equal(ParquetInputError.NullValue, error.Error);
        Assert.Equal((path, 1, 1L, "id"), (error.FilePath, error.RowGroup!.Value, error.Row!.Value, error.Column));
        Assert.Equal($"'{path}', row group 1, row 1, column 'id': the id is null.", error.Message);
    }

    [Fact]
    public async Task A_null_sequence_names_the_file_row_group_row_column_and_record()
    {
        var path = _dir.File("null-sequence.parquet");
        ParquetTestFiles.WriteRaw(
            path,
            rowGroupSize: 4,
            ("id", ParquetTestFiles.Strings("a", "b", "c", "d", "e")),
            ("sequence", ParquetTestFiles.Strings("A", "C", null, "T", "A")));

        var error = await ReadFails(path, o => o.BatchSize = 2);

        Assert.Equal(ParquetInputError.NullValue, error.Error);
        Assert.Equal((0, 2L, "sequence"), (error.RowGroup!.Value, error.Row!.Value, error.Column));
        Assert.Equal($"'{path}', row group 0, row 2, column 'sequence': the sequence of record 'c' is null.", error.Message);
    }

    [Fact]
    public async Task A_start_position_outside_the_input_is_rejected()
    {
        var path = _dir.File("a.parquet");
        await ParquetTestFiles.WriteSequencesAsync(path, "a", 5, rowGroupSize: 2);
        var other = _dir.File("elsewhere.parquet");

        var unknownFile = await ReadFails(path, o => o.StartPosition = new ParquetReadPosition(other, 0, 0));
        var pastGroups = await ReadFails(path, o => o.StartPosition = new ParquetReadPosition(path, 4, 0));
        var pastRows = await ReadFails(path, o => o.StartPosition = new ParquetReadPosition(path, 2, 2));

        Assert.Equal(ParquetInputError.InvalidPosition, unknownFile.Error);
        Assert.Equal($"'{other}': the start position names a file that is not among the 1 input file(s).", unknownFile.Message);
        Assert.Equal(ParquetInputError.InvalidPosition, pastGroups.Error);
        Assert.Contains("which has 3 row group(s)", pastGroups.Message, StringComparison.Ordinal);
        Assert.Equal((2, 2L), (pastRows.RowGroup!.Value, pastRows.Row!.Value));
        Assert.Contains("which has 1 row(s)", pastRows.Message, StringComparison.Ordinal);
    }
}
