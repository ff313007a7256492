using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;

namespace Connectomics.Benchmarks;

/// <summary>
/// Streams a large table through <see cref="LanceTableWriter"/> from a generator that makes each batch when it is
/// asked for (the table is never in memory), cut into fragments by <see cref="LanceWriteOptions.MaxRowsPerFragment"/>.
/// Prints rows/s, MB/s (logical row bytes), peak RSS and the fragment count, then opens the table with
/// <see cref="LanceTable"/> and checks the row count (manifest and a scan of the id column). Deletes the table at the end.
/// Usage: <c>lance-stream [--rows 1000000] [--dim 2560] [--batch 1024] [--fragment-rows 262144] [--dir /tmp/...] [--keep]</c>.
/// </summary>
internal static class LanceStream
{
    public static async Task<int> Run(string[] args)
    {
        long rows = 1_000_000;
        var dim = 2560;
        var batchRows = 1024;
        long fragmentRows = 262_144;
        var keep = false;
        var directory = Path.Combine(Path.GetTempPath(), "connectomics-lance-stream");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dim": dim = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch": batchRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--fragment-rows": fragmentRows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dir": directory = args[++i]; break;
                case "--keep": keep = true; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        var tablePath = Path.Combine(directory, "embeddings.lance");
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var vectorType = new FixedSizeListType(new Field("item", FloatType.Default, true), dim);
        var schema = new Schema.Builder()
            .Field(new Field("id", StringType.Default, false))
            .Field(new Field("vector", vectorType, false))
            .Build();
        try
        {
            long logicalBytes = 0;
            long generatorTicks = 0;
            long writeTicks = 0;
            long completeTicks;
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var options = new LanceWriteOptions { MaxRowsPerFragment = fragmentRows };
            await using (var writer = await LanceTableWriter.OpenAsync(tablePath, schema, options))
            {
                var pool = RandomPool(dim);
                for (long first = 0; first < rows; first += batchRows)
                {
                    var count = (int)Math.Min(batchRows, rows - first);
                    var generating = Stopwatch.GetTimestamp();
                    var batch = MakeBatch(schema, vectorType, first, count, dim, pool, out var idBytes);
                    logicalBytes += idBytes + (4L * dim * count);
                    var writing = Stopwatch.GetTimestamp();
                    generatorTicks += writing - generating;
                    await writer.WriteAsync(batch);
                    writeTicks += Stopwatch.GetTimestamp() - writing;
                    if ((first / batchRows) % 100 == 0)
                    {
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{first + count} rows, {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s, RSS {ProcessStats.StatusMiB("VmRSS"):F0} MiB"));
                    }
                }

                var completing = Stopwatch.GetTimestamp();
                await writer.CompleteAsync();
                completeTicks = Stopwatch.GetTimestamp() - completing;
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
            var peak = ProcessStats.StatusMiB("VmHWM");
            var onDisk = Directory.EnumerateFiles(tablePath, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

            var table = await LanceTable.OpenAsync(tablePath);
            long scanned = 0;
            await foreach (var batch in table.ScanAsync(["id"]))
            {
                scanned += batch.Length;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rows\t{rows}\ndim\t{dim}\nseconds\t{seconds:F1}\n  generator_s\t{Seconds(generatorTicks):F1}\n  write_s\t{Seconds(writeTicks):F1}\n  complete_s\t{Seconds(completeTicks):F1}\ncpu_s\t{cpuSeconds:F1}\nrows_per_s\t{rows / seconds:F0}\nMB_per_s\t{logicalBytes / 1e6 / seconds:F1}\nlogical_GB\t{logicalBytes / 1e9:F2}\non_disk_GB\t{onDisk / 1e9:F2}\npeak_rss_mib\t{peak:F0}\nfragments\t{table.FragmentCount}\nmanifest_rows\t{table.RowCount}\nscanned_rows\t{scanned}"));
            if (table.RowCount != rows || scanned != rows)
            {
                Console.Error.WriteLine($"Row count mismatch: wrote {rows}, manifest {table.RowCount}, scan {scanned}.");
                return 1;
            }

            return 0;
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private const int PoolVectors = 1031;

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private static float[] RandomPool(int dim)
    {
        var random = new Random(17);
        var pool = new float[PoolVectors * dim];
        for (var i = 0; i < pool.Length; i++)
        {
            pool[i] = (random.NextSingle() * 2) - 1;
        }

        return pool;
    }

    /// <summary>Makes one batch with fresh buffers (the writer may keep a batch until its page is full).</summary>
    private static RecordBatch MakeBatch(Schema schema, FixedSizeListType vectorType, long first, int count, int dim, float[] pool, out long idBytes)
    {
        var ids = new StringArray.Builder();
        for (var i = 0; i < count; i++)
        {
            ids.Append(string.Create(CultureInfo.InvariantCulture, $"read-{first + i:D9}"));
        }

        // Random values are drawn once (PoolVectors of them); each row copies one and stamps its row number in
        // item 0, so the generator costs a copy, not a random draw per item.
        var bytes = new byte[4L * count * dim];
        var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        for (var i = 0; i < count; i++)
        {
            var row = values.Slice(i * dim, dim);
            pool.AsSpan((int)((first + i) % PoolVectors) * dim, dim).CopyTo(row);
            row[0] = first + i;
        }

        var idArray = ids.Build();
        idBytes = idArray.ValueBuffer.Length;
        var child = new ArrayData(FloatType.Default, count * dim, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(bytes)]);
        return new RecordBatch(schema, [idArray, new FixedSizeListArray(new ArrayData(vectorType, count, 0, 0, [ArrowBuffer.Empty], [child]))], count);
    }
}
