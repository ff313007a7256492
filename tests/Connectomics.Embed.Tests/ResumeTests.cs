namespace Connectomics.Embed.Tests;

/// <summary>A run stopped with Ctrl+C continues where its last commit left it, and only as the same run.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-resume-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string[] Arguments(string database, params string[] more) =>
        ["--input", "reads.parquet", "--keep", "taxonomy,depth", "--db", database, "--table", "reads", "--checkpoint-rows", "100", .. more];

    [Fact]
    public async Task A_run_cancelled_with_ctrl_c_resumes_to_the_table_an_uninterrupted_run_makes()
    {
        // Enough short reads that Ctrl+C comes while most are still to read: the run finishes the chunks already
        // handed on to its stages (up to about twenty of 1,000 records) before it stops.
        var reads = ReadsParquet.Write(Path.Combine(_work, "reads.parquet"), 40_000, rowGroupSize: 1000, minLength: 40, maxLength: 100);

        using (var process = EmbedTool.Start(_work, Arguments("cut")))
        {
            // Ctrl+C once the first commit is reported.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = new System.Text.StringBuilder();
            var committed = new TaskCompletionSource();
            var reading = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync() is { } line)
                {
                    stderr.AppendLine(line);
                    if (line.Contains("rows committed, version", StringComparison.Ordinal) && !line.Contains(" 0 rows committed", StringComparison.Ordinal))
                    {
                        committed.TrySetResult();
                    }
                }
            });
            await Task.WhenAny(committed.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2)));

            Assert.True(committed.Task.IsCompleted && !process.HasExited, "the run ended before it could be interrupted: " + stderr);
            EmbedTool.Interrupt(process);
            await process.WaitForExitAsync();
            await reading;
            var cancelled = new ToolRun(process.ExitCode, await stdout, stderr.ToString());

            Assert.True(cancelled.Code == 130, cancelled.Stderr + cancelled.Stdout);
            Assert.StartsWith("cancelled", cancelled.Summary("outcome"), StringComparison.Ordinal);
            var rowsCommitted = long.Parse(cancelled.Summary("rows in shard"), System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(rowsCommitted, 1, reads.Length - 1);
            Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"cancelled: shard 0/1 of run 'default' has {rowsCommitted:N0} rows committed"), cancelled.Stderr, StringComparison.Ordinal);
            Assert.Equal(rowsCommitted, (await OfficialTable.ReadAsync(Path.Combine(_work, "cut"), "reads")).RowCount);
        }

        // Another model, or other kept columns, is another run: refused, and the table left as it was.
        var before = EmbedTool.Hashes(Path.Combine(_work, "cut"));
        var otherModel = EmbedTool.Run(_work, Arguments("cut", "--seed", "1"));
        var modelError = otherModel.SingleError();
        Assert.Contains("'reads'", modelError, StringComparison.Ordinal);
        Assert.Contains("model fingerprint", modelError, StringComparison.Ordinal);
        var otherColumns = EmbedTool.Run(_work, ["--input", "reads.parquet", "--keep", "taxonomy", "--db", "cut", "--table", "reads", "--checkpoint-rows", "100"]);
        var columnsError = otherColumns.SingleError();
        Assert.Contains("'reads'", columnsError, StringComparison.Ordinal);
        Assert.Contains("column 'depth'", columnsError, StringComparison.Ordinal);
        Assert.Equal(before, EmbedTool.Hashes(Path.Combine(_work, "cut")));

        var resumed = EmbedTool.Run(_work, Arguments("cut"));
        Assert.True(resumed.Code == 0, resumed.Stderr);
        Assert.Equal("completed (resumed)", resumed.Summary("outcome"));

        var whole = EmbedTool.Run(_work, Arguments("whole"));
        Assert.True(whole.Code == 0, whole.Stderr);

        var cut = await OfficialTable.ReadAsync(Path.Combine(_work, "cut"), "reads");
        var uninterrupted = await OfficialTable.ReadAsync(Path.Combine(_work, "whole"), "reads");
        Assert.Equal(reads.Length, cut.RowCount);
        Assert.Equal(reads.Length, cut.DistinctIds);
        Assert.Equal(reads.Select(r => r.Id).Order(StringComparer.Ordinal), cut.Rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, row) in uninterrupted.Rows)
        {
            ReferenceModel.AssertClose(OfficialTable.Vector(row), OfficialTable.Vector(cut.Rows[id]), id);
            Assert.Equal(row.GetProperty("taxonomy").GetString(), cut.Rows[id].GetProperty("taxonomy").GetString());
            Assert.Equal(row.GetProperty("depth").GetDouble(), cut.Rows[id].GetProperty("depth").GetDouble());
        }

        // --restart starts over: the table holds the run once, not twice.
        var restarted = EmbedTool.Run(_work, Arguments("cut", "--restart"));
        Assert.True(restarted.Code == 0, restarted.Stderr);
        Assert.Equal("completed", restarted.Summary("outcome"));
        var again = await OfficialTable.ReadAsync(Path.Combine(_work, "cut"), "reads");
        Assert.Equal(reads.Length, again.RowCount);
        Assert.Equal(reads.Length, again.DistinctIds);
    }
}
