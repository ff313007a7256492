using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connectomics.Checkpoints;
using Connectomics.Durability;
using Connectomics.Storage.Checkpoints;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Connectomics.Storage.Tests.Checkpoints;

public sealed class FileCheckpointStoreTests : IDisposable
{
    private const string Run = "run-42";
    private static readonly DateTimeOffset Start = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    private readonly TempDirectory _root = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingLogger _logger = new();

    public void Dispose() => _root.Dispose();

    private FileCheckpointStore NewStore(string runId = Run) => new(_root.Path, runId, _time, _logger);

    private static CheckpointState State(ulong version, string runId = Run, string file = "reads.parquet") => new()
    {
        RunId = runId,
        Position = new Dictionary<string, string> { ["file"] = file, ["rowGroup"] = (version / 4).ToString(System.Globalization.CultureInfo.InvariantCulture), ["row"] = (version * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        StoreVersion = version,
        RecordsRead = (long)version * 1000,
        RecordsWritten = (long)version * 997,
    };

    /// <summary>Saves two states, A then B, and returns them as saved (B is current, A previous).</summary>
    private async Task<(CheckpointState A, CheckpointState B)> SaveTwoAsync(FileCheckpointStore store)
    {
        var a = await store.SaveAsync(State(1));
        _time.Advance(TimeSpan.FromMinutes(5));
        var b = await store.SaveAsync(State(2));
        return (a, b);
    }

    private string[] TempFiles(FileCheckpointStore store) => Directory.GetFiles(store.RunDirectory, "*.tmp");

    [Fact]
    public async Task Saved_state_round_trips_with_the_time_of_the_save()
    {
        var store = NewStore();
        var state = State(7, file: "gs://bucket/reads \"quoted\" ü 🧬.parquet") with { SavedAt = DateTimeOffset.MinValue.AddDays(1) };

        var saved = await store.SaveAsync(state);
        var loaded = await NewStore().LoadAsync();

        Assert.Equal(Start, saved.SavedAt);
        Assert.Equal(state with { SavedAt = Start }, saved);
        Assert.Equal(saved, loaded);
        Assert.Equal("gs://bucket/reads \"quoted\" ü 🧬.parquet", loaded!.Position["file"]);

        _time.Advance(TimeSpan.FromSeconds(90));
        var next = await store.SaveAsync(State(8));
        Assert.Equal(Start.AddSeconds(90), next.SavedAt);
        Assert.Equal(next, await NewStore().LoadAsync());
        Assert.Empty(_logger.Warnings);
        Assert.Empty(TempFiles(store));
    }

    [Fact]
    public async Task Missing_state_loads_as_null_and_creates_nothing()
    {
        var store = NewStore();

        Assert.Null(await store.LoadAsync());
        Assert.False(Directory.Exists(store.RunDirectory));

        Directory.CreateDirectory(store.RunDirectory);
        Assert.Null(await store.LoadAsync());
        Assert.Null(await new FileCheckpointStore(Path.Combine(_root.Path, "no", "such", "root"), Run).LoadAsync());
    }

    [Fact]
    public async Task A_save_creates_missing_parent_directories()
    {
        var root = Path.Combine(_root.Path, "jobs", "2026", "embed");
        var store = new FileCheckpointStore(root, Run, _time);

        var saved = await store.SaveAsync(State(1));

        Assert.Equal(Path.Combine(root, Run, FileCheckpointStore.CurrentFileName), store.CurrentPath);
        Assert.Equal(saved, await new FileCheckpointStore(root, Run).LoadAsync());
    }

    [Fact]
    public async Task The_file_is_one_line_of_json_with_a_checksum_over_the_version_and_state()
    {
        var store = NewStore();
        await store.SaveAsync(State(3));
        var bytes = await File.ReadAllBytesAsync(store.CurrentPath);

        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var stateBytes = JsonMarshal.GetRawUtf8Value(root.GetProperty("state")).ToArray();
        var expected = Convert.ToHexStringLower(SHA256.HashData([.. "1\n"u8, .. stateBytes]));

        Assert.Equal(1, root.GetProperty("format").GetInt32());
        Assert.Equal(expected, root.GetProperty("sha256").GetString());
        Assert.Equal(Run, root.GetProperty("state").GetProperty("runId").GetString());
        Assert.Equal((byte)'}', bytes[^1]);
        Assert.DoesNotContain((byte)'\n', bytes);
        Assert.StartsWith("{\"format\":1,\"sha256\":\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_torn_current_file_at_any_length_loads_the_previous_state()
    {
        var store = NewStore();
        var (a, b) = await SaveTwoAsync(store);
        var whole = await File.ReadAllBytesAsync(store.CurrentPath);
        Assert.True(whole.Length > 100);

        for (var length = 0; length < whole.Length; length++)
        {
            await File.WriteAllBytesAsync(store.CurrentPath, whole.AsMemory(0, length));
            _logger.Clear();

            var loaded = await NewStore().LoadAsync();

            Assert.True(a.Equals(loaded), $"Truncated to {length} of {whole.Length} bytes, the load returned {loaded}.");
            Assert.Contains(_logger.Warnings, entry => entry.EventId.Name == "CheckpointDamaged" && entry.Message.Contains(store.CurrentPath, StringComparison.Ordinal));
        }

        await File.WriteAllBytesAsync(store.CurrentPath, whole);
        Assert.Equal(b, await NewStore().LoadAsync());
    }

    [Fact]
    public async Task A_torn_current_file_with_no_previous_state_is_reported_not_returned()
    {
        var store = NewStore();
        await store.SaveAsync(State(1));
        var whole = await File.ReadAllBytesAsync(store.CurrentPath);

        for (var length = 0; length < whole.Length; length++)
        {
            await File.WriteAllBytesAsync(store.CurrentPath, whole.AsMemory(0, length));

            var error = await Assert.ThrowsAsync<CheckpointCorruptedException>(() => NewStore().LoadAsync());

            Assert.Equal(store.CurrentPath, error.CheckpointPath);
        }
    }

    [Fact]
    public async Task Any_single_bit_flip_in_the_current_file_is_detected()
    {
        var store = NewStore();
        var (a, _) = await SaveTwoAsync(store);
        var whole = await File.ReadAllBytesAsync(store.CurrentPath);

        for (var bit = 0; bit < whole.Length * 8; bit++)
        {
            var flipped = (byte[])whole.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            await File.WriteAllBytesAsync(store.CurrentPath, flipped);

            var loaded = await NewStore().LoadAsync();

            Assert.True(a.Equals(loaded), $"With bit {bit % 8} of byte {bit / 8} flipped, the load returned {loaded}.");
        }
    }

    [Fact]
    public async Task Both_files_damaged_is_reported_naming_both()
    {
        var store = NewStore();
        await SaveTwoAsync(store);
        await File.WriteAllTextAsync(store.CurrentPath, "{\"format\":1,");
        var previous = await File.ReadAllBytesAsync(store.PreviousPath);
        previous[previous.Length / 2] ^= 0x04;
        await File.WriteAllBytesAsync(store.PreviousPath, previous);

        var error = await Assert.ThrowsAsync<CheckpointCorruptedException>(() => NewStore().LoadAsync());

        Assert.Contains(store.CurrentPath, error.Message, StringComparison.Ordinal);
        Assert.Contains(store.PreviousPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_current_file_loads_the_previous_state_with_a_warning()
    {
        var store = NewStore();
        var (a, _) = await SaveTwoAsync(store);
        File.Delete(store.CurrentPath);

        Assert.Equal(a, await NewStore().LoadAsync());
        Assert.Contains(_logger.Warnings, entry => entry.EventId.Name == "CheckpointMissingUsingPrevious");
    }

    [Fact]
    public async Task A_save_over_a_damaged_current_file_keeps_the_previous_good_state()
    {
        var store = NewStore();
        var (a, _) = await SaveTwoAsync(store);
        await File.WriteAllTextAsync(store.CurrentPath, "{\"format\":1,\"sha");

        var c = await store.SaveAsync(State(3));

        Assert.Equal(c, await NewStore().LoadAsync());
        Assert.Contains(_logger.Warnings, entry => entry.EventId.Name == "CheckpointDamagedNotKept");
        File.Delete(store.CurrentPath);
        Assert.Equal(a, await NewStore().LoadAsync());
    }

    [Fact]
    public async Task Each_save_keeps_the_state_before_it_as_the_previous_file()
    {
        var store = NewStore();
        var saved = new List<CheckpointState>();
        for (var version = 0UL; version < 5; version++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            saved.Add(await store.SaveAsync(State(version)));
            if (version == 0)
            {
                Assert.False(File.Exists(store.PreviousPath));
                continue;
            }

            var reader = new FileCheckpointStore(Path.Combine(_root.Path, $"copy-{version}"), Run);
            Directory.CreateDirectory(reader.RunDirectory);
            File.Copy(store.PreviousPath, reader.CurrentPath);
            Assert.Equal(saved[(int)version - 1], await reader.LoadAsync());
        }
    }

    [Fact]
    public async Task A_newer_format_version_is_a_clear_error_naming_the_file()
    {
        var store = NewStore();
        await SaveTwoAsync(store);
        var newer = NewerFormatFile(2, validChecksum: true);
        await File.WriteAllBytesAsync(store.CurrentPath, newer);

        var error = await Assert.ThrowsAsync<UnsupportedCheckpointFormatException>(() => NewStore().LoadAsync());

        Assert.Equal(store.CurrentPath, error.CheckpointPath);
        Assert.Equal(2, error.FormatVersion);
        Assert.Equal(1, error.SupportedFormatVersion);
        Assert.Contains(store.CurrentPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("format version 2", error.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<UnsupportedCheckpointFormatException>(() => store.SaveAsync(State(9)));
        Assert.Equal(newer, await File.ReadAllBytesAsync(store.CurrentPath));
        Assert.Empty(TempFiles(store));

        File.Delete(store.CurrentPath);
        await File.WriteAllBytesAsync(store.PreviousPath, newer);
        var previousError = await Assert.ThrowsAsync<UnsupportedCheckpointFormatException>(() => NewStore().LoadAsync());
        Assert.Equal(store.PreviousPath, previousError.CheckpointPath);
    }

    [Fact]
    public async Task A_newer_format_version_with_a_wrong_checksum_is_damage()
    {
        var store = NewStore();
        var (a, _) = await SaveTwoAsync(store);
        await File.WriteAllBytesAsync(store.CurrentPath, NewerFormatFile(2, validChecksum: false));

        Assert.Equal(a, await NewStore().LoadAsync());
    }

    [Fact]
    public async Task Temp_files_of_an_interrupted_save_are_ignored_and_removed()
    {
        var store = NewStore();
        var (a, b) = await SaveTwoAsync(store);
        var completeButNotRenamed = await File.ReadAllBytesAsync(store.CurrentPath);
        await File.WriteAllBytesAsync(store.CurrentPath, await File.ReadAllBytesAsync(store.PreviousPath));
        File.Delete(store.PreviousPath);
        var complete = Path.Combine(store.RunDirectory, $"state.{Guid.NewGuid():N}.tmp");
        var partial = Path.Combine(store.RunDirectory, $"state.{Guid.NewGuid():N}.tmp");
        await File.WriteAllBytesAsync(complete, completeButNotRenamed);
        await File.WriteAllBytesAsync(partial, completeButNotRenamed.AsMemory(0, 40));

        var resumed = NewStore();
        Assert.Equal(a, await resumed.LoadAsync());
        Assert.Empty(TempFiles(resumed));
        Assert.NotEqual(a, b);

        _time.Advance(TimeSpan.FromMinutes(1));
        var c = await resumed.SaveAsync(State(3));
        Assert.Equal(c, await NewStore().LoadAsync());
        File.Delete(store.CurrentPath);
        Assert.Equal(a, await NewStore().LoadAsync());
    }

    [Fact]
    public async Task A_crash_between_the_two_renames_resumes_from_the_last_committed_state()
    {
        var store = NewStore();
        var (_, b) = await SaveTwoAsync(store);
        var uncommitted = await File.ReadAllBytesAsync(store.CurrentPath);
        File.Move(store.CurrentPath, store.PreviousPath, overwrite: true);
        await File.WriteAllBytesAsync(Path.Combine(store.RunDirectory, $"state.{Guid.NewGuid():N}.tmp"), uncommitted);

        var resumed = NewStore();
        Assert.Equal(b, await resumed.LoadAsync());
        Assert.Empty(TempFiles(resumed));
    }

    [Fact]
    public async Task A_temp_file_is_first_removed_by_a_save_too()
    {
        var store = NewStore();
        Directory.CreateDirectory(store.RunDirectory);
        var stale = Path.Combine(store.RunDirectory, $"state.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(stale, "{\"form");

        var saved = await store.SaveAsync(State(1));

        Assert.False(File.Exists(stale));
        Assert.Empty(TempFiles(store));
        Assert.Equal(saved, await NewStore().LoadAsync());
        Assert.Contains(_logger.Entries, entry => entry.EventId.Name == "CheckpointTempRemoved" && entry.Message.Contains(stale, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_saves_never_leave_a_damaged_file_and_the_last_one_wins(bool separateStores)
    {
        const int SavesPerWriter = 60;
        var first = NewStore();
        var initial = await first.SaveAsync(State(0, file: "initial"));
        var saved = new ConcurrentDictionary<(string File, ulong Version), CheckpointState> { [("initial", 0)] = initial };

        using var done = new CancellationTokenSource();
        var loads = 0;
        var readerLog = new RecordingLogger();
        var reader = Task.Run(async () =>
        {
            var observer = new FileCheckpointStore(_root.Path, Run, logger: readerLog);
            while (!done.IsCancellationRequested)
            {
                var loaded = await observer.LoadAsync();
                Assert.NotNull(loaded);
                Assert.True(saved.ContainsKey((loaded.Position["file"], loaded.StoreVersion)), $"Loaded a state that was never saved: {loaded}.");
                Interlocked.Increment(ref loads);
            }
        });

        async Task Write(string file)
        {
            var store = separateStores ? new FileCheckpointStore(_root.Path, Run, TimeProvider.System) : first;
            for (var version = 1UL; version <= SavesPerWriter; version++)
            {
                var state = State(version, file: file);
                saved[(file, version)] = state;
                await store.SaveAsync(state);
            }
        }

        await Task.WhenAll(Task.Run(() => Write("a")), Task.Run(() => Write("b")));
        await done.CancelAsync();
        await reader;

        var final = await NewStore().LoadAsync();
        Assert.NotNull(final);
        Assert.Equal((ulong)SavesPerWriter, final.StoreVersion);
        Assert.Contains(final.Position["file"], new[] { "a", "b" });
        Assert.True(loads > 0);
        Assert.DoesNotContain(readerLog.Warnings, entry => entry.EventId.Name == "CheckpointDamaged");
        Assert.Empty(TempFiles(first));

        File.Delete(first.CurrentPath);
        var previous = await NewStore().LoadAsync();
        Assert.NotNull(previous);
        Assert.True(saved.ContainsKey((previous.Position["file"], previous.StoreVersion)));
    }

    [Fact]
    public async Task A_cancelled_save_changes_nothing()
    {
        var store = NewStore();
        var a = await store.SaveAsync(State(1));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SaveAsync(State(2), cancelled.Token));

        Assert.Equal(a, await NewStore().LoadAsync());
        Assert.False(File.Exists(store.PreviousPath));
        Assert.Empty(TempFiles(store));
    }

    [Fact]
    public async Task State_of_another_run_is_refused()
    {
        var store = NewStore();
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(State(1, runId: "other")));

        var other = NewStore("other");
        await other.SaveAsync(State(1, runId: "other"));
        Directory.CreateDirectory(store.RunDirectory);
        File.Copy(other.CurrentPath, store.CurrentPath);

        var error = await Assert.ThrowsAsync<CheckpointCorruptedException>(() => store.LoadAsync());
        Assert.Contains("'other'", error.Message, StringComparison.Ordinal);
        Assert.Equal(store.CurrentPath, error.CheckpointPath);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("run 1")]
    public void Run_ids_that_are_not_a_plain_directory_name_are_rejected(string runId) =>
        Assert.ThrowsAny<ArgumentException>(() => new FileCheckpointStore(_root.Path, runId));

    [Fact]
    public async Task A_state_too_large_for_a_checkpoint_is_rejected_before_anything_is_written()
    {
        var store = NewStore();
        var huge = State(1) with { Position = new Dictionary<string, string> { ["blob"] = new string('x', (1 << 20) + 1) } };

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(huge));

        Assert.False(Directory.Exists(store.RunDirectory));
    }

    [Fact]
    public void Flushing_a_directory_works_and_on_linux_a_missing_one_fails()
    {
        OperatingSystemFileSystem.Instance.FlushDirectory(_root.Path);

        var missing = Path.Combine(_root.Path, "missing");
        if (OperatingSystem.IsLinux())
        {
            var error = Assert.Throws<IOException>(() => OperatingSystemFileSystem.Instance.FlushDirectory(missing));
            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        }
        else
        {
            OperatingSystemFileSystem.Instance.FlushDirectory(missing);
        }
    }

    private static byte[] NewerFormatFile(int format, bool validChecksum)
    {
        var state = "{\"runId\":\"run-42\",\"cursor\":{\"shard\":3,\"offsets\":[1,2]},\"storeVersion\":\"v9\"}"u8.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData([.. Encoding.ASCII.GetBytes($"{format}\n"), .. state]));
        if (!validChecksum)
        {
            hash = hash[..^1] + (hash[^1] == '0' ? '1' : '0');
        }

        return [.. Encoding.UTF8.GetBytes($"{{\"format\":{format},\"sha256\":\"{hash}\",\"state\":"), .. state, .. "}"u8];
    }
}
