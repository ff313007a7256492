using Connectomics.Storage.Parquet;

namespace Connectomics.Storage.Tests.Parquet;

public sealed class ParquetInputFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Touch(params string[] parts)
    {
        var path = _dir.File(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Empty);
        return path;
    }

    [Fact]
    public void Files_directories_and_globs_resolve_to_distinct_full_paths_in_ordinal_order()
    {
        var b = Touch("d", "b.parquet");
        var a = Touch("d", "sub", "a.parquet");
        var c = Touch("c.data");
        Touch("d", "notes.txt");

        Assert.Equal([c, b, a], ParquetInputFiles.Resolve([_dir.File("d"), _dir.File("**", "*.parquet"), c, b]));
        Assert.Equal([b], ParquetInputFiles.Resolve([_dir.File("d", "?.parquet")]));
    }

    [Fact]
    public void An_entry_that_matches_nothing_is_named()
    {
        Directory.CreateDirectory(_dir.File("empty"));
        foreach (var entry in new[] { _dir.File("missing.parquet"), _dir.File("empty"), _dir.File("*.parquet") })
        {
            var error = Assert.Throws<ParquetInputException>(() => ParquetInputFiles.Resolve([entry]));
            Assert.Equal((ParquetInputError.FileNotFound, entry), (error.Error, error.FilePath));
        }
    }
}
