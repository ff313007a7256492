using System.Globalization;
using Xunit.Abstractions;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.Storage.Tests.Lance.Interop;

/// <summary>Writers in separate OS processes committing to one table at the same time.</summary>
public sealed class ConcurrentWriterProcessTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 25;
    private const int RowsPerRound = 2;

    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-procs-");

    public void Dispose() => _db.Delete(recursive: true);

    [Fact]
    public async Task Two_processes_appending_in_a_loop_each_land_every_batch_exactly_once()
    {
        var path = Path.Combine(_db.FullName, "t.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 2, 4));
            Assert.Equal(1UL, await writer.CompleteAsync());
        }

        var tags = new[] { "p0", "p1" };
        var start = Directory.CreateDirectory(Path.Combine(_db.FullName, "start")).FullName;
        var running = tags.Select(tag => WriterProcess.RunAsync("append", path, tag, Rounds.ToString(CultureInfo.InvariantCulture), RowsPerRound.ToString(CultureInfo.InvariantCulture), start)).ToList();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!tags.All(tag => File.Exists(Path.Combine(start, tag + ".ready"))) && !running.Any(r => r.IsCompleted) && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(10);
        }

        await File.WriteAllTextAsync(Path.Combine(start, "go"), string.Empty);
        var runs = await Task.WhenAll(running);

        // Each process reports the version each of its rounds committed: together exactly 2 … 51, each once.
        var committed = new Dictionary<ulong, string>();
        for (var p = 0; p < tags.Length; p++)
        {
            var (code, stdout, stderr) = runs[p];
            Assert.True(code == 0, $"{tags[p]} exited with {code}: {stderr}");
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Rounds, lines.Length);
            var previous = 0UL;
            for (var round = 0; round < Rounds; round++)
            {
                var parts = lines[round].Split(' ');
                Assert.Equal(round, int.Parse(parts[0], CultureInfo.InvariantCulture));
                var version = ulong.Parse(parts[1], CultureInfo.InvariantCulture);
                Assert.True(version > previous, $"{tags[p]} round {round} committed version {version} after {previous}");
                previous = version;
                committed.Add(version, $"{tags[p]}-{round}");
            }
        }

        var last = 1UL + (ulong)(tags.Length * Rounds);
        Assert.Equal(Enumerable.Range(2, tags.Length * Rounds).Select(v => (ulong)v), committed.Keys.Order());
        Assert.Equal(Enumerable.Range(1, (int)last).Select(v => (ulong)v), LanceTable.ListVersions(path));

        // History: every version is an append of one fragment of RowsPerRound rows onto the previous version.
        var versions = TableLayout.ListVersions(path);
        var fragments = new List<ulong> { 0 };
        var rebased = 0;
        for (var v = 2UL; v <= last; v++)
        {
            var manifest = await LoadedManifest.ReadAsync(versions[v], CancellationToken.None);
            var transaction = TransactionInfo.Decode(manifest.InlineTransaction);
            Assert.Equal(TransactionInfo.AppendOperation, transaction.Operation);
            Assert.True(transaction.ReadVersion < v);
            rebased += transaction.ReadVersion < v - 1 ? 1 : 0;
            var ids = manifest.Manifest.Fragments.Select(f => f.Id).ToList();
            Assert.Equal(fragments, ids.Take(fragments.Count));
            Assert.Equal(fragments.Count + 1, ids.Count);
            Assert.Equal((ulong)RowsPerRound, manifest.Manifest.Fragments[^1].PhysicalRows);
            fragments = ids;
        }

        // Rows in scan order are the seed rows, then each batch in the order of the versions that committed it.
        var expected = new List<string> { "id_0", "id_1" };
        expected.AddRange(committed.OrderBy(c => c.Key).SelectMany(c => Enumerable.Range(0, RowsPerRound).Select(k => $"{c.Value}-{k}")));
        var rows = await TableReads.AssertBothReadAsync(path, last);
        Assert.Equal(expected, rows.Select(r => r[..r.IndexOf('|', StringComparison.Ordinal)]));
        Assert.Equal(fragments.Count, Directory.GetFiles(Path.Combine(path, "data")).Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(path, "_versions"), ".tmp*"));
        // Typically a few of the 50 commits lost a race and were rebased; how many depends on scheduling.
        output.WriteLine($"commits rebased onto a newer version: {rebased}");
    }

    [Fact]
    public async Task An_append_racing_an_overwrite_is_refused_and_the_overwritten_table_stays_intact()
    {
        var path = Path.Combine(_db.FullName, "t.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 3, 4));
            await writer.CompleteAsync();
        }

        await using (var append = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Append }))
        {
            await append.WriteAsync(SampleBatches.Vectors(3, 2, 4));
            await using (var overwrite = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Overwrite }))
            {
                await overwrite.WriteAsync(SampleBatches.Vectors(100, 2, 4));
                Assert.Equal(2UL, await overwrite.CompleteAsync());
            }

            var before = Files(path);
            var error = await Assert.ThrowsAsync<LanceCommitConflictException>(() => append.CompleteAsync());
            Assert.Equal($"{path}: Version 2 is an overwrite, which an append based on version 1 cannot be rebased on.", error.Message);
            Assert.Equal((path, 1UL), (error.TablePath, error.ReadVersion));

            // Only the refused append's transaction file was added; its data file goes when the writer is disposed.
            var added = Files(path).Except(before).ToList();
            Assert.StartsWith("_transactions" + Path.DirectorySeparatorChar + "1-", Assert.Single(added), StringComparison.Ordinal);
        }

        Assert.Equal(["id_100|100,100.125,100.25,100.375", "id_101|101,101.125,101.25,101.375"], await TableReads.AssertBothReadAsync(path, 2));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(path, "data")).Length);
    }

    private static List<string> Files(string tablePath) =>
        [.. Directory.GetFiles(tablePath, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tablePath, f))];
}
