using System.Text.Json;
using System.Text.RegularExpressions;
using Connectomics.Lora.Logging;

namespace Connectomics.Lora.Tests.Logging;

public sealed partial class TensorBoardEventWriterTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 11, 8, 30, 15, 250, TimeSpan.Zero);

    [Fact]
    public void An_independent_reader_checks_every_crc_and_finds_the_version_then_the_scalars()
    {
        using var directory = new TempDirectory("connectomics-tensorboard");
        var clock = new SteppingClock(Start, TimeSpan.FromMilliseconds(1500));
        var scalars = new (string Tag, float Value, long Step)[]
        {
            ("train/loss", 2.302585f, 0),
            ("train/learning_rate", 1e-4f, 1),
            ("train/grad_norm", 0.123456789f, 1),
            ("validation/accuracy/genus", 0.875f, 300),
            ("train/loss", float.NaN, 1L << 40),
            ("train/loss", float.PositiveInfinity, -5),
            ("validation/macro_f1/espèce", -0.0f, 123_456_789),
            ("throughput/tokens_per_second", 3.4e38f, 2),
        };

        string path;
        using (var writer = TensorBoardEventWriter.Create(Path.Combine(directory.Path, "run-1"), clock))
        {
            path = writer.FilePath;
            foreach (var (tag, value, step) in scalars)
            {
                writer.WriteScalar(tag, value, step);
            }
        }

        Assert.Equal(Path.Combine(directory.Path, "run-1"), Path.GetDirectoryName(path));
        var name = EventFileName().Match(Path.GetFileName(path));
        Assert.True(name.Success, Path.GetFileName(path));
        Assert.Equal(Start.ToUnixTimeSeconds().ToString("D10", System.Globalization.CultureInfo.InvariantCulture), name.Groups["time"].Value);
        Assert.Equal(Environment.MachineName, name.Groups["host"].Value);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), name.Groups["pid"].Value);

        var records = ReadRecords(path);
        Assert.Equal(scalars.Length + 1, records.Length);
        Assert.Equal("brain.Event:2", records[0].GetProperty("file_version").GetString());
        Assert.Equal(UnixSeconds(Start), records[0].GetProperty("wall_time").GetDouble());
        Assert.Empty(records[0].GetProperty("values").EnumerateArray());

        for (var i = 0; i < scalars.Length; i++)
        {
            var record = records[i + 1];
            Assert.Equal(JsonValueKind.Null, record.GetProperty("file_version").ValueKind);
            Assert.Equal(scalars[i].Step, record.GetProperty("step").GetInt64());
            Assert.Equal(UnixSeconds(Start + (TimeSpan.FromMilliseconds(1500) * (i + 1))), record.GetProperty("wall_time").GetDouble());
            var value = Assert.Single(record.GetProperty("values").EnumerateArray());
            Assert.Equal(scalars[i].Tag, value.GetProperty("tag").GetString());
            Assert.Equal(scalars[i].Value, ReadFloat(value.GetProperty("simple_value")));
        }
    }

    [Fact]
    public void Flushed_scalars_are_readable_while_the_writer_stays_open()
    {
        using var directory = new TempDirectory("connectomics-tensorboard");
        using var writer = TensorBoardEventWriter.Create(directory.Path, new SteppingClock(Start, TimeSpan.FromSeconds(1)));

        Assert.Single(ReadRecords(writer.FilePath));

        writer.WriteScalar("train/loss", 1.5f, 10);
        writer.WriteScalar("train/loss", 1.25f, 20);
        writer.Flush();

        var records = ReadRecords(writer.FilePath);
        Assert.Equal([10L, 20L], records.Skip(1).Select(r => r.GetProperty("step").GetInt64()));
    }

    [Fact]
    public void Two_writers_in_one_directory_write_two_files_that_both_read_back()
    {
        using var directory = new TempDirectory("connectomics-tensorboard");
        var clock = new SteppingClock(Start, TimeSpan.Zero);
        using var first = TensorBoardEventWriter.Create(directory.Path, clock);
        using var second = TensorBoardEventWriter.Create(directory.Path, clock);
        first.WriteScalar("a", 1, 1);
        second.WriteScalar("b", 2, 1);
        first.Dispose();
        second.Dispose();

        Assert.NotEqual(first.FilePath, second.FilePath);
        var files = TfEventsReader.Read(first.FilePath, second.FilePath).GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal("a", files[0].GetProperty("records")[1].GetProperty("values")[0].GetProperty("tag").GetString());
        Assert.Equal("b", files[1].GetProperty("records")[1].GetProperty("values")[0].GetProperty("tag").GetString());
    }

    [Fact]
    public void The_reader_rejects_a_file_with_a_changed_byte_so_its_checks_are_real()
    {
        using var directory = new TempDirectory("connectomics-tensorboard");
        string path;
        using (var writer = TensorBoardEventWriter.Create(directory.Path, new SteppingClock(Start, TimeSpan.Zero)))
        {
            path = writer.FilePath;
            writer.WriteScalar("train/loss", 0.5f, 7);
        }

        var bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x01; // inside the last record's data: the value
        File.WriteAllBytes(path, bytes);

        var (exitCode, _, error) = TfEventsReader.Run(path);
        Assert.Equal(1, exitCode);
        Assert.Contains("record 1", error, StringComparison.Ordinal);
        Assert.Contains("data CRC", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disposed_writer_refuses_more_scalars_and_an_empty_tag_is_refused()
    {
        using var directory = new TempDirectory("connectomics-tensorboard");
        var writer = TensorBoardEventWriter.Create(directory.Path);
        Assert.Throws<ArgumentException>(() => writer.WriteScalar("", 1, 1));
        writer.Dispose();
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.WriteScalar("x", 1, 1));
        Assert.Throws<ObjectDisposedException>(writer.Flush);
        Assert.Single(ReadRecords(writer.FilePath));
    }

    [Fact]
    public void A_log_directory_that_is_a_file_gives_an_error_naming_it()
    {
        using var directory = new TempDirectory("connectomics-tensorboard");
        var file = directory.File("not-a-directory");
        File.WriteAllText(file, "x");

        var error = Assert.ThrowsAny<IOException>(() => TensorBoardEventWriter.Create(file));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    private static JsonElement[] ReadRecords(string path) =>
        Assert.Single(TfEventsReader.Read(path).GetProperty("files").EnumerateArray()).GetProperty("records").EnumerateArray().ToArray();

    private static float ReadFloat(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? value.GetString() switch
        {
            "nan" => float.NaN,
            "inf" => float.PositiveInfinity,
            "-inf" => float.NegativeInfinity,
            var other => throw new InvalidDataException(other),
        }
        : (float)value.GetDouble();

    private static double UnixSeconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    [GeneratedRegex(@"^events\.out\.tfevents\.(?<time>\d{10})\.(?<host>.+)\.(?<pid>\d+)\.(?<n>\d+)$")]
    private static partial Regex EventFileName();

    /// <summary>A clock that advances by a fixed amount on every reading after the first.</summary>
    private sealed class SteppingClock(DateTimeOffset start, TimeSpan increment) : TimeProvider
    {
        private int _readings;

        public override DateTimeOffset GetUtcNow() => start + (increment * Interlocked.Increment(ref _readings) - increment);
    }
}
