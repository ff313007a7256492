using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Table;
using Connectomics.Storage.Tests.Lance.Interop;

namespace Connectomics.Storage.Tests.Lance;

/// <summary>Tables that need features or format versions this library does not have are refused, naming what.</summary>
public sealed class FeatureFlagTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-flags-");
    private readonly string _path;

    public FeatureFlagTests() => _path = Path.Combine(_db.FullName, "t.lance");

    public void Dispose() => _db.Delete(recursive: true);

    private static LanceWriteOptions With(LanceWriteMode mode) => new() { Mode = mode };

    private async Task CreateAsync()
    {
        await using var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4));
        await writer.WriteAsync(SampleBatches.Vectors(0, 3, 4));
        await writer.CompleteAsync();
    }

    /// <summary>Commits the latest manifest again as the next version, changed as another Lance writer might.</summary>
    private async Task<string> CommitChangedAsync(Action<ManifestInfo> change)
    {
        var latest = (await LoadedManifest.ReadLatestAsync(_path, CancellationToken.None))!;
        var manifest = ManifestInfo.Decode(latest.Manifest.Encode());
        manifest.Version++;
        change(manifest);
        var path = Path.Combine(_path, "_versions", TableLayout.ManifestFileName(manifest.Version));
        await File.WriteAllBytesAsync(path, ManifestFile.Encode(manifest, latest.IndexSection, latest.InlineTransaction));
        return path;
    }

    private async Task<LanceFormatException> RefusedAppendAsync()
    {
        var before = BadInputTests.Snapshot(_path);
        var error = await Assert.ThrowsAsync<LanceFormatException>(() => LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), With(LanceWriteMode.Append)));
        Assert.Equal(before, BadInputTests.Snapshot(_path));
        return error;
    }

    [Fact]
    public async Task Unknown_reader_flags_refuse_reading_and_unknown_writer_flags_refuse_appends_and_overwrites()
    {
        await CreateAsync();
        var manifest = await CommitChangedAsync(m => (m.ReaderFeatureFlags, m.WriterFeatureFlags) = (32 | 1, 64 | 1));

        var read = await Assert.ThrowsAsync<LanceFormatException>(() => LanceTable.OpenAsync(_path));
        Assert.Equal($"{manifest}: Version 2 has reader feature flags 33, with bits 32 this library does not know (it reads flags 15).", read.Message);
        Assert.Equal(manifest, read.FilePath);
        Assert.Equal(3, (await LanceTable.OpenAsync(_path, 1)).RowCount);

        Assert.Equal($"{manifest}: Version 2 has writer feature flags 65, with bits 64 this library cannot preserve (it writes on flags 13); refusing to write.", (await RefusedAppendAsync()).Message);
        await Assert.ThrowsAsync<LanceFormatException>(() => LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), With(LanceWriteMode.Overwrite)));
        Assert.Equal([1UL, 2UL], LanceTable.ListVersions(_path));
    }

    [Fact]
    public async Task Stable_row_ids_can_be_read_but_not_appended_to()
    {
        await CreateAsync();
        await CommitChangedAsync(m => (m.ReaderFeatureFlags, m.WriterFeatureFlags) = (2, 2));
        Assert.Equal(3, (await LanceTable.OpenAsync(_path)).RowCount);
        Assert.Contains("writer feature flags 2, with bits 2 this library cannot preserve", (await RefusedAppendAsync()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_data_storage_version_is_refused_for_reading_and_appending()
    {
        await CreateAsync();
        var manifest = await CommitChangedAsync(m => m.DataFormatVersion = "2.2");
        var read = await Assert.ThrowsAsync<LanceFormatException>(() => LanceTable.OpenAsync(_path));
        Assert.Equal($"{manifest}: Data storage version '2.2' is not supported; this library reads and writes 2.0 and 2.1.", read.Message);
        Assert.Contains("'2.2'", (await RefusedAppendAsync()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_file_of_a_newer_file_version_is_refused_for_reading()
    {
        await CreateAsync();
        await CommitChangedAsync(m =>
        {
            m.DataFormatVersion = null;
            m.Fragments[0].Files[0].MinorVersion = 2;
        });
        var read = await Assert.ThrowsAsync<LanceFormatException>(() => LanceTable.OpenAsync(_path));
        Assert.Contains("not supported; this library reads and writes 2.0 and 2.1", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commit_that_would_be_rebased_onto_a_version_with_unknown_writer_flags_is_refused()
    {
        await CreateAsync();
        await using (var append = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), With(LanceWriteMode.Append)))
        {
            await append.WriteAsync(SampleBatches.Vectors(3, 1, 4));
            await append.CompleteAsync();
        }

        await using var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), With(LanceWriteMode.Append));
        await writer.WriteAsync(SampleBatches.Vectors(4, 2, 4));

        // Another writer commits version 3, an append (so a rebase is allowed) that sets a flag this library does not know.
        await CommitChangedAsync(m => m.WriterFeatureFlags = 16);
        var error = await Assert.ThrowsAsync<LanceFormatException>(() => writer.CompleteAsync());
        Assert.Contains("Version 3 has writer feature flags 16", error.Message, StringComparison.Ordinal);
        Assert.Equal([1UL, 2UL, 3UL], LanceTable.ListVersions(_path));
    }

    [Fact]
    public async Task Table_config_is_kept_by_appends_and_overwrites_with_its_writer_flag()
    {
        await CreateAsync();
        await CommitChangedAsync(m => (m.Config["lance.auto_cleanup.interval"], m.WriterFeatureFlags) = ("20", TableFeatures.TableConfig));
        await using (var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), With(LanceWriteMode.Append)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(3, 1, 4));
            Assert.Equal(3UL, await writer.CompleteAsync());
        }

        await using (var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), With(LanceWriteMode.Overwrite)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(9, 1, 4));
            Assert.Equal(4UL, await writer.CompleteAsync());
        }

        foreach (var version in new[] { 3UL, 4UL })
        {
            var manifest = await LoadedManifest.ReadAsync(TableLayout.ListVersions(_path)[version], CancellationToken.None);
            Assert.Equal("20", manifest.Manifest.Config["lance.auto_cleanup.interval"]);
            Assert.Equal(TableFeatures.TableConfig, manifest.Manifest.WriterFeatureFlags);
        }
    }
}
