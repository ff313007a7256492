namespace Connectomics.Lance.Tests;

/// <summary>A table of four rows with 4-value vectors (<c>db/t.lance</c>), imported once for the bad-input tests, which must all leave it unchanged.</summary>
public sealed class ExistingTableFixture : IDisposable
{
    public ExistingTableFixture()
    {
        Work = Directory.CreateTempSubdirectory("connectomics-lance-").FullName;
        Database = Path.Combine(Work, "db");
        TablePath = Path.Combine(Database, "t.lance");
        Parquet = Path.Combine(Work, "good.parquet");
        TestParquet.Write(Parquet, ReadRow.ToBatch(ReadRow.Make(4, dimension: 4)), rowGroupRows: 1024);
        LanceTool.Succeed("import", Parquet, "--db", Database, "--table", "t", "--vector", "embedding");
    }

    public string Work { get; }

    public string Database { get; }

    public string TablePath { get; }

    /// <summary>Gets the Parquet file the table was imported from.</summary>
    public string Parquet { get; }

    public void Dispose() => Directory.Delete(Work, recursive: true);
}
