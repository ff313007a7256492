// Appends small tagged batches to a Lance table, from its own process, for the Lance concurrency and crash tests.
//
//   append <table> <tag> <rounds> <rows> <start-dir>
//                                          writes <start-dir>/<tag>.ready, waits for <start-dir>/go (so that
//                                          several processes start appending together), then commits once per
//                                          round; row k of round r has id "<tag>-<r>-<k>"; prints
//                                          "<round> <version>" after each commit
//   crash <table> <tag> <stage> <rows>     appends one batch and kills this process with SIGKILL when the commit
//                                          reaches <stage> (a CommitStage name); exits 3 if it was never reached
//   checkpoint <table> <tag> <rows> <root> appends one batch, then saves a checkpoint of run <tag> under <root> that
//                                          records the committed version; prints the version
//   store-create <db> <table> <dimension> <start-dir> <tag>
//                                          writes <start-dir>/<tag>.ready, waits for <start-dir>/go, then opens (or
//                                          creates) the vector table of StoreTables.Definition through the vector store
//                                          and prints "ok <version>"
//   store-crash <db> <table> <run> <stage> <rows> <position>
//                                          writes <rows> rows (ids "<run>-<position>-<k>") through a vector table writer
//                                          of shard 0/1 and kills this process with SIGKILL when their tagged commit
//                                          (at WorkPosition <position>@input) reaches <stage>; exits 3 if it never did
using System.Diagnostics;
using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Checkpoints;
using Connectomics.Chunks;
using Connectomics.LanceWriterProcess;
using Connectomics.Storage.Checkpoints;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Table;
using Connectomics.Stores;

var schema = new Schema.Builder()
    .Field(new Field("id", StringType.Default, false))
    .Field(new Field("vector", new FixedSizeListType(new Field("item", FloatType.Default, true), 4), false))
    .Build();
var append = new LanceWriteOptions { Mode = LanceWriteMode.Append };

switch (args)
{
    case ["append", var table, var tag, var rounds, var rows, var startDirectory]:
        await File.WriteAllTextAsync(Path.Combine(startDirectory, tag + ".ready"), string.Empty);
        while (!File.Exists(Path.Combine(startDirectory, "go")))
        {
            await Task.Delay(5);
        }

        for (var round = 0; round < int.Parse(rounds, CultureInfo.InvariantCulture); round++)
        {
            var version = await AppendAsync(table, $"{tag}-{round}", int.Parse(rows, CultureInfo.InvariantCulture));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{round} {version}"));
        }

        return 0;

    case ["crash", var table, var tag, var stage, var rows]:
        var target = Enum.Parse<CommitStage>(stage);
        TableCommitter.StageReached = reached =>
        {
            if (reached == target)
            {
                Console.Out.Flush();
                Process.GetCurrentProcess().Kill();
            }
        };
        await AppendAsync(table, tag, int.Parse(rows, CultureInfo.InvariantCulture));
        return 3;

    case ["checkpoint", var table, var tag, var rows, var root]:
        var committed = await AppendAsync(table, tag, int.Parse(rows, CultureInfo.InvariantCulture));
        await new FileCheckpointStore(root, tag).SaveAsync(new CheckpointState
        {
            RunId = tag,
            Position = new Dictionary<string, string> { ["table"] = table },
            StoreVersion = committed,
        });
        Console.WriteLine(committed.ToString(CultureInfo.InvariantCulture));
        return 0;

    case ["store-create", var db, var table, var dimension, var startDirectory, var tag]:
        await File.WriteAllTextAsync(Path.Combine(startDirectory, tag + ".ready"), string.Empty);
        while (!File.Exists(Path.Combine(startDirectory, "go")))
        {
            await Task.Delay(1);
        }

        var opened = await LanceVectorStore.Open(db).OpenTableAsync(StoreTables.Definition(table, int.Parse(dimension, CultureInfo.InvariantCulture)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ok {opened.Version}"));
        return 0;

    case ["store-crash", var db, var table, var run, var stage, var rows, var position]:
        var crashAt = Enum.Parse<CommitStage>(stage);
        var vectors = await LanceVectorStore.Open(db).OpenTableAsync(table);
        await using (var writer = await vectors.OpenWriterAsync(run, ShardAssignment.Single))
        {
            await writer.WriteAsync(StoreTables.Rows($"{run}-{position}", int.Parse(rows, CultureInfo.InvariantCulture), vectors.Definition.Dimension));
            TableCommitter.StageReached = reached =>
            {
                if (reached == crashAt)
                {
                    Console.Out.Flush();
                    Process.GetCurrentProcess().Kill();
                }
            };
            var offset = long.Parse(position, CultureInfo.InvariantCulture);
            await writer.CommitAsync(new CommitTag(run, ShardAssignment.Single, WorkPosition.Within("input", offset)) { RowsWritten = offset });
        }

        return 3;

    default:
        Console.Error.WriteLine("usage: append <table> <tag> <rounds> <rows> <start-dir> | crash <table> <tag> <stage> <rows> | checkpoint <table> <tag> <rows> <root>"
            + " | store-create <db> <table> <dimension> <start-dir> <tag> | store-crash <db> <table> <run> <stage> <rows> <position>");
        return 2;
}

async Task<ulong> AppendAsync(string table, string prefix, int rows)
{
    var ids = new StringArray.Builder();
    var values = new FloatArray.Builder();
    for (var k = 0; k < rows; k++)
    {
        ids.Append($"{prefix}-{k}");
        values.AppendRange([k, k + 0.25f, k + 0.5f, k + 0.75f]);
    }

    var type = (FixedSizeListType)schema.FieldsList[1].DataType;
    var vectors = new FixedSizeListArray(new ArrayData(type, rows, 0, 0, [ArrowBuffer.Empty], [values.Build().Data]));
    await using var writer = await LanceTableWriter.OpenAsync(table, schema, append);
    await writer.WriteAsync(new RecordBatch(schema, [ids.Build(), vectors], rows));
    return await writer.CompleteAsync();
}
