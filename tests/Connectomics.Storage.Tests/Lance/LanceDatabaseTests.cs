using Connectomics.Storage.Lance;
using Connectomics.Storage.Tests.Lance.Interop;

namespace Connectomics.Storage.Tests.Lance;

public sealed class LanceDatabaseTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-database-");

    public void Dispose() => _db.Delete(recursive: true);

    [Fact]
    public async Task Tables_are_listed_opened_and_written_by_name_as_the_official_client_names_them()
    {
        var database = LanceDatabase.Open(_db.FullName);
        Assert.Empty(database.TableNames());
        foreach (var name in new[] { "reads", "Embeddings", "a.b" })
        {
            await using var writer = await database.OpenWriterAsync(name, SampleBatches.VectorSchema(4));
            await writer.WriteAsync(SampleBatches.Vectors(0, 2, 4));
            await writer.CompleteAsync();
        }

        Directory.CreateDirectory(Path.Combine(_db.FullName, "notes"));
        await File.WriteAllTextAsync(Path.Combine(_db.FullName, "x.lance.txt"), "not a table");

        Assert.Equal(["Embeddings", "a.b", "reads"], database.TableNames());
        Assert.Equal(Path.Combine(_db.FullName, "reads.lance"), database.TablePath("reads"));
        Assert.Equal(2, (await database.OpenTableAsync("a.b")).RowCount);
        var official = await LanceDbNode.RunAsync("emit(await (await lancedb.connect(args[0])).tableNames());", _db.FullName);
        Assert.Equal(database.TableNames(), official.EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Opening_a_table_that_does_not_exist_names_its_path_and_the_tables_that_do()
    {
        var database = LanceDatabase.Open(_db.FullName);
        await using (var writer = await database.OpenWriterAsync("reads", SampleBatches.VectorSchema(4)))
        {
            await writer.CompleteAsync();
        }

        var error = await Assert.ThrowsAsync<LanceTableNotFoundException>(() => database.OpenTableAsync("read"));
        var path = Path.Combine(_db.FullName, "read.lance");
        Assert.Equal(path, error.TablePath);
        Assert.Equal(["reads"], error.ExistingTables);
        Assert.Equal($"{path}: no Lance table version there; in the database directory {_db.FullName}, its tables are 'reads'.", error.Message);

        var empty = LanceDatabase.Open(Path.Combine(_db.FullName, "missing"));
        Assert.Empty(empty.TableNames());
        var none = await Assert.ThrowsAsync<LanceTableNotFoundException>(() => empty.OpenTableAsync("reads"));
        Assert.EndsWith("it has no tables.", none.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    public void Names_that_are_not_plain_directory_names_are_refused(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => LanceDatabase.Open(_db.FullName).TablePath(name));
}
