namespace Connectomics.CrashTests;

/// <summary>The uninterrupted runs the crash tests compare with hold what their inputs say, so a comparison means something.</summary>
[Collection(CrashCollection.Name)]
public sealed class ReferenceRunTests(CrashRuns runs)
{
    [Theory]
    [InlineData(CrashInput.Parquet, CrashInputs.ParquetReads, 4)] // one bad row in each of four row groups
    [InlineData(CrashInput.Fasta, CrashInputs.FastaReads, 3)] // one bad record in each of the three chunks
    public async Task The_uninterrupted_run_holds_every_good_read_once_and_quarantines_the_bad_ones(CrashInput input, int reads, int quarantineFiles)
    {
        var bad = input == CrashInput.Parquet ? CrashInputs.ParquetBadRows.Count : CrashInputs.FastaBadRecords.Count;
        var reference = runs.ReferenceOf(input);
        var snapshot = reference.Snapshot;
        Assert.Equal(reads - bad, snapshot.Ids.Count);
        Assert.Equal(snapshot.Ids.Count, snapshot.Ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(snapshot.Rows.Values, r => Assert.Equal(128, r.VectorBits.Length));
        Assert.Equal(quarantineFiles, snapshot.Quarantine.Count);
        Assert.Equal(bad, snapshot.Quarantine.Values.Sum(rows => rows.Length));
        Assert.Empty(snapshot.UnreferencedDataFiles);

        // Several commits, so that kills fall between them: the table's creation and at least three more.
        Assert.True(reference.Counts["after-commit"] >= 3, $"{reference.Counts["after-commit"]} commits");
        Assert.Equal(reference.Counts["after-commit"] + 1, reference.Counts["lance-manifest-published"]);

        var official = await LanceDbNode.RunAsync(
            "const t = await (await lancedb.connect(args[0])).openTable(args[1]); emit(await t.countRows());",
            reference.Database,
            CrashRuns.Table);
        Assert.Equal(snapshot.Ids.Count, official.GetInt32());
    }

    [Fact]
    public void The_comparison_finds_a_table_of_other_rows()
    {
        // The FASTA run's table has other ids, columns and vectors than the Parquet run's.
        var parquet = runs.ReferenceOf(CrashInput.Parquet).Snapshot;
        var fasta = runs.ReferenceOf(CrashInput.Fasta).Snapshot;
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SnapshotAssert.SameAsReference(parquet, fasta, "fasta against parquet"));
        SnapshotAssert.SameAsReference(parquet, parquet, "parquet against itself");
    }
}
