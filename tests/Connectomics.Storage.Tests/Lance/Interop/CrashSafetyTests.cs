using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.Storage.Tests.Lance.Interop;

/// <summary>Writers killed in the middle of a commit, and overwrites, as the official client sees them.</summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-crash-");

    public void Dispose() => _db.Delete(recursive: true);

    [Fact]
    public async Task A_writer_killed_at_any_commit_stage_leaves_the_last_committed_version_and_later_appends_succeed()
    {
        var path = Path.Combine(_db.FullName, "t.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 3, 4));
            await writer.CompleteAsync();
        }

        var expected = await TableReads.AssertBothReadAsync(path, 1);
        var version = 1UL;
        foreach (var stage in Enum.GetValues<CommitStage>())
        {
            var (code, _, stderr) = await WriterProcess.RunAsync("crash", path, $"crash{(int)stage}", stage.ToString(), "2");
            if (OperatingSystem.IsLinux())
            {
                Assert.True(code == 137, $"the writer should die by SIGKILL at {stage} but exited with {code}: {stderr}");
            }

            if (stage == CommitStage.ManifestPublished)
            {
                // The manifest is in place: the commit is durable even though the process died before the version hint.
                version++;
                expected.AddRange(["crash3-0|0,0.25,0.5,0.75", "crash3-1|1,1.25,1.5,1.75"]);
                Assert.Equal("{\"version\":1}", await File.ReadAllTextAsync(Path.Combine(path, "_versions", "latest_version_hint.json")));
            }

            Assert.Equal(expected, await TableReads.AssertBothReadAsync(path, version));
        }

        // Three killed commits left data files no version references; readers never look at them.
        var latest = await LoadedManifest.ReadLatestAsync(path, CancellationToken.None);
        var referenced = latest!.Manifest.Fragments.SelectMany(f => f.Files).Select(f => f.Path).ToList();
        Assert.Equal(2, referenced.Count);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(path, "data")).Select(Path.GetFileName).Except(referenced).Count());

        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Append }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(3, 1, 4));
            Assert.Equal(3UL, await writer.CompleteAsync());
        }

        expected.Add("id_3|3,3.125,3.25,3.375");
        Assert.Equal(expected, await TableReads.AssertBothReadAsync(path, 3));
        Assert.Equal("{\"version\":3}", await File.ReadAllTextAsync(Path.Combine(path, "_versions", "latest_version_hint.json")));
    }

    [Fact]
    public async Task After_an_overwrite_the_official_client_reads_the_new_rows_and_schema_and_still_reads_the_old_version()
    {
        var path = Path.Combine(_db.FullName, "t.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 5, 4));
            await writer.CompleteAsync();
        }

        var before = await TableReads.AssertBothReadAsync(path, 1);
        var schema = new Schema.Builder()
            .Field(new Field("id", StringType.Default, false))
            .Field(new Field("vector", new FixedSizeListType(new Field("item", FloatType.Default, true), 2), true))
            .Field(new Field("score", DoubleType.Default, true))
            .Build();
        await using (var writer = await LanceTableWriter.OpenAsync(path, schema, new LanceWriteOptions { Mode = LanceWriteMode.Overwrite, DataStorageVersion = LanceDataStorageVersion.V2_0 }))
        {
            var ids = new StringArray.Builder().AppendRange(["a", "b", "c"]).Build();
            var vectors = SampleBatches.VectorArray([[0.5f, -1], null, [float.MaxValue, float.Epsilon]], 2);
            var scores = new DoubleArray.Builder().Append(1.5).AppendNull().Append(-2).Build();
            await writer.WriteAsync(new RecordBatch(schema, [ids, vectors, scores], 3));
            Assert.Equal(2UL, await writer.CompleteAsync());
        }

        var after = await TableReads.AssertBothReadAsync(path, 2);
        Assert.Equal(["a|0.5,-1", "b|null", "c|3.4028234663852886e+38,1.401298464324817e-45"], after);
        var schemaScript = """
            const table = await (await lancedb.connect(args[0])).openTable('t');
            const rows = rowsOf(await table.query().select(['score']).toArrow());
            emit({ fields: (await table.schema()).fields.map(f => `${f.name}:${f.type}:${f.nullable}`), scores: rows.map(r => r.score) });
            """;
        var result = await LanceDbNode.RunAsync(schemaScript, _db.FullName);
        Assert.Equal(["id:Utf8:false", "vector:FixedSizeList[2]<Float32>:true", "score:Float64:true"], result.GetProperty("fields").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("[1.5,null,-2]", result.GetProperty("scores").GetRawText());
        Assert.Equal(before, await TableReads.AssertBothReadAsync(path, 1, version: 1));
    }
}
