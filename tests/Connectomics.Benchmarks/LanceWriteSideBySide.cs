using System.Diagnostics;
using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;

namespace Connectomics.Benchmarks;

/// <summary>
/// Lance write throughput against the official client, side by side: the same rows (string id, int64, float32
/// vector) are written as a new table by <see cref="LanceTableWriter"/> (in this process) and by
/// <c>@lancedb/lancedb</c> (<c>db.createTable</c>, in a node child process), alternating A B A B. Both sides load
/// the rows from one binary file before the clock starts, so only the write is timed. Prints MB/s of logical row
/// bytes (id UTF-8 bytes + 8 + 4 × dim per row) and the ratio.
/// Usage: <c>lance-write-side-by-side [--rows 100000] [--dim 768] [--rounds 3] [--dir /tmp/...]</c>.
/// Needs node; installs the client into <c>~/.cache/connectomics/npm/lancedb-0.37.1</c> (or
/// <c>CONNECTOMICS_NPM_CACHE</c>) if it is not there, as the interop tests do.
/// </summary>
internal static class LanceWriteSideBySide
{
    // The node side: reads the binary file (int32 rows, int32 dim, int64 values, float32 vectors, int32 id offsets,
    // id bytes), builds an Arrow table with the same schema, then times db.createTable alone.
    private const string NodeScript = """
        const path = require('path');
        const fs = require('fs');
        const modules = process.env.LANCE_NODE_MODULES;
        const lancedb = require(path.join(modules, '@lancedb', 'lancedb'));
        const arrow = require(path.join(modules, 'apache-arrow'));
        async function main() {
          const [file, dir, name] = process.argv.slice(2);
          const raw = fs.readFileSync(file);
          const ab = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
          const head = new Int32Array(ab, 0, 4);
          const rows = head[0], dim = head[1];
          let at = 16;
          const values = new BigInt64Array(ab, at, rows); at += rows * 8;
          const vectors = new Float32Array(ab, at, rows * dim); at += rows * dim * 4;
          const offsets = new Int32Array(ab, at, rows + 1); at += (rows + 1) * 4;
          const idBytes = new Uint8Array(ab, at, offsets[rows]);
          const item = new arrow.Field('item', new arrow.Float32(), true);
          const fields = [
            new arrow.Field('id', new arrow.Utf8(), false),
            new arrow.Field('value', new arrow.Int64(), false),
            new arrow.Field('vector', new arrow.FixedSizeList(dim, item), false),
          ];
          const schema = new arrow.Schema(fields);
          const children = [
            arrow.makeData({ type: new arrow.Utf8(), length: rows, nullCount: 0, valueOffsets: offsets, data: idBytes }),
            arrow.makeData({ type: new arrow.Int64(), length: rows, nullCount: 0, data: values }),
            arrow.makeData({ type: fields[2].type, length: rows, nullCount: 0,
              child: arrow.makeData({ type: new arrow.Float32(), length: rows * dim, nullCount: 0, data: vectors }) }),
          ];
          const struct = arrow.makeData({ type: new arrow.Struct(fields), length: rows, nullCount: 0, children });
          const table = new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
          const db = await lancedb.connect(dir);
          const cpu0 = process.cpuUsage();
          const started = process.hrtime.bigint();
          const t = await db.createTable(name, table, { mode: 'create' });
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const cpu1 = process.cpuUsage(cpu0);
          const cpu = (cpu1.user + cpu1.system) / 1e6;
          const count = await t.countRows();
          // The same write again in its two stages, to see where the time goes: the client's own conversion of
          // the table to an Arrow IPC buffer (in JavaScript), then the native write of that buffer.
          const dist = path.join(modules, '@lancedb', 'lancedb', 'dist');
          const t1 = process.hrtime.bigint();
          const buf = await require(path.join(dist, 'arrow')).fromTableToBuffer(require(path.join(dist, 'sanitize')).sanitizeTable(table));
          const t2 = process.hrtime.bigint();
          await db.inner.createTable(name + '-native', buf, 'create', [], undefined);
          const t3 = process.hrtime.bigint();
          process.stdout.write(JSON.stringify({ seconds, cpu, count, ipc: Number(t2 - t1) / 1e9, native: Number(t3 - t2) / 1e9 }) + '\n');
        }
        main().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
        """;

    public static async Task<int> Run(string[] args)
    {
        var rows = 100_000;
        var dim = 768;
        var rounds = 3;
        var directory = Path.Combine(Path.GetTempPath(), "connectomics-lance-side-by-side");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dim": dim = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": directory = args[++i]; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        var modules = await LanceDbClientInstall.EnsureInstalledAsync();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        try
        {
            var dataFile = Path.Combine(directory, "rows.bin");
            var scriptFile = Path.Combine(directory, "write.cjs");
            await File.WriteAllTextAsync(scriptFile, NodeScript);
            var logicalBytes = WriteRows(dataFile, rows, dim);
            var batch = ReadRows(dataFile);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# {rows} rows × (id, int64, float32[{dim}]) = {logicalBytes / 1e6:F1} MB logical; lancedb {LanceDbClientInstall.LanceDbVersion} (node {ProcessStats.Run("node", ["--version"]).Trim()})"));
            Console.WriteLine("round\tside\tseconds\tMB_per_s\tcpu_s");
            var ours = new List<double>();
            var theirs = new List<double>();
            var native = new List<double>();
            for (var round = 0; round <= rounds; round++)
            {
                // Round 0 warms both sides up (JIT, page cache, node's module load) and is not counted.
                var label = round == 0 ? "warm-up" : round.ToString(CultureInfo.InvariantCulture);
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var ourSeconds = await WriteOurs(Path.Combine(directory, $"ours-{round}.lance"), batch);
                var ourCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}\tLanceTableWriter\t{ourSeconds:F3}\t{logicalBytes / 1e6 / ourSeconds:F1}\t{ourCpu:F2}"));
                var ourTable = await LanceTable.OpenAsync(Path.Combine(directory, $"ours-{round}.lance"));
                Check(ourTable.RowCount == rows, $"our table has {ourTable.RowCount} rows");
                var ourBytes = DirectoryBytes(Path.Combine(directory, $"ours-{round}.lance"));
                Directory.Delete(Path.Combine(directory, $"ours-{round}.lance"), recursive: true);

                var output = ProcessStats.Run("node", [scriptFile, dataFile, directory, $"theirs-{round}"], directory, ("LANCE_NODE_MODULES", modules));
                using var json = System.Text.Json.JsonDocument.Parse(output);
                var theirSeconds = json.RootElement.GetProperty("seconds").GetDouble();
                var theirCpu = json.RootElement.GetProperty("cpu").GetDouble();
                var ipcSeconds = json.RootElement.GetProperty("ipc").GetDouble();
                var nativeSeconds = json.RootElement.GetProperty("native").GetDouble();
                Check(json.RootElement.GetProperty("count").GetInt64() == rows, "the client's table has the wrong row count");
                var theirTable = await LanceTable.OpenAsync(Path.Combine(directory, $"theirs-{round}.lance"));
                Check(theirTable.DataStorageVersion == LanceDataStorageVersion.V2_1, $"the client wrote format {theirTable.DataStorageVersion}");
                var theirBytes = DirectoryBytes(Path.Combine(directory, $"theirs-{round}.lance"));
                if (round == 0)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# table size on disk: ours {ourBytes / 1e6:F1} MB, lancedb {theirBytes / 1e6:F1} MB (both format 2.1)"));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}\tlancedb (node)\t{theirSeconds:F3}\t{logicalBytes / 1e6 / theirSeconds:F1}\t{theirCpu:F2}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label}\t  stages: to IPC (JS) {ipcSeconds:F3} s, native write {nativeSeconds:F3} s = {logicalBytes / 1e6 / nativeSeconds:F1} MB/s"));
                Directory.Delete(Path.Combine(directory, $"theirs-{round}.lance"), recursive: true);
                Directory.Delete(Path.Combine(directory, $"theirs-{round}-native.lance"), recursive: true);
                if (round > 0)
                {
                    ours.Add(ourSeconds);
                    theirs.Add(theirSeconds);
                    native.Add(nativeSeconds);
                }
            }

            var oursMedian = Median(ours);
            var theirsMedian = Median(theirs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# median: LanceTableWriter {logicalBytes / 1e6 / oursMedian:F1} MB/s, lancedb {logicalBytes / 1e6 / theirsMedian:F1} MB/s, ratio {theirsMedian / oursMedian:F2} (target >= 1.0); native stage alone {logicalBytes / 1e6 / Median(native):F1} MB/s, ratio {Median(native) / oursMedian:F2}"));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<double> WriteOurs(string tablePath, RecordBatch batch)
    {
        var started = Stopwatch.GetTimestamp();
        await using var writer = await LanceTableWriter.OpenAsync(tablePath, batch.Schema);
        await writer.WriteAsync(batch);
        await writer.CompleteAsync();
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Writes the rows' binary file; returns the logical bytes of the rows.</summary>
    private static long WriteRows(string path, int rows, int dim)
    {
        var random = new Random(5);
        using var output = new BinaryWriter(File.Create(path));
        output.Write(rows);
        output.Write(dim);
        output.Write(0L);
        for (var i = 0; i < rows; i++)
        {
            output.Write((long)i * 7919);
        }

        for (long i = 0; i < (long)rows * dim; i++)
        {
            output.Write((float)((random.NextDouble() * 2) - 1));
        }

        var ids = new byte[rows][];
        var offset = 0;
        output.Write(0);
        for (var i = 0; i < rows; i++)
        {
            ids[i] = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"read-{i:D9}-{random.Next():x8}"));
            offset += ids[i].Length;
            output.Write(offset);
        }

        foreach (var id in ids)
        {
            output.Write(id);
        }

        return offset + ((8L + (4L * dim)) * rows);
    }

    /// <summary>Reads the binary file into one record batch, with the schema the node side builds.</summary>
    private static RecordBatch ReadRows(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var rows = BitConverter.ToInt32(bytes, 0);
        var dim = BitConverter.ToInt32(bytes, 4);
        var at = 16;
        var values = new ArrowBuffer(bytes.AsMemory(at, rows * 8));
        at += rows * 8;
        var vectors = new ArrowBuffer(bytes.AsMemory(at, rows * dim * 4));
        at += rows * dim * 4;
        var offsets = new ArrowBuffer(bytes.AsMemory(at, (rows + 1) * 4));
        var idLength = BitConverter.ToInt32(bytes, at + (rows * 4));
        at += (rows + 1) * 4;
        var idBytes = new ArrowBuffer(bytes.AsMemory(at, idLength));
        var vectorType = new FixedSizeListType(new Field("item", FloatType.Default, true), dim);
        var schema = new Schema.Builder()
            .Field(new Field("id", StringType.Default, false))
            .Field(new Field("value", Int64Type.Default, false))
            .Field(new Field("vector", vectorType, false))
            .Build();
        var child = new ArrayData(FloatType.Default, rows * dim, 0, 0, [ArrowBuffer.Empty, vectors]);
        return new RecordBatch(schema, [
            new StringArray(new ArrayData(StringType.Default, rows, 0, 0, [ArrowBuffer.Empty, offsets, idBytes])),
            new Int64Array(new ArrayData(Int64Type.Default, rows, 0, 0, [ArrowBuffer.Empty, values])),
            new FixedSizeListArray(new ArrayData(vectorType, rows, 0, 0, [ArrowBuffer.Empty], [child])),
        ], rows);
    }

    private static long DirectoryBytes(string path) =>
        Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void Check(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidOperationException(problem + ".");
        }
    }
}
