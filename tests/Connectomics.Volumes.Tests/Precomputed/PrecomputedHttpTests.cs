using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Precomputed;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Tests.Stores;

namespace Connectomics.Volumes.Tests.Precomputed;

/// <summary>The spec fixtures served over loopback HTTP, as a bucket serves them: gzip Content-Encoding, faults.</summary>
public sealed class PrecomputedHttpTests : IAsyncLifetime
{
    private LoopbackHttpServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new LoopbackHttpServer(PrecomputedFixtures.Root);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("uint8", "s0")]
    [InlineData("uint8", "s1")]
    [InlineData("uint16_3ch", "8_8_8")]
    [InlineData("float32", "4_4_4")]
    public async Task Raw_scales_read_over_http_with_gzip_content_encoding_equal_the_truth(string volumeName, string scaleKey)
    {
        _server.GzipWhenAccepted = true;
        var volume = await PrecomputedVolume.OpenAsync(new HttpStore(new Uri(_server.BaseAddress, volumeName)));

        var array = volume.OpenScale(scaleKey, fillMissing: true);

        Assert.Equal(PrecomputedFixtures.Truth(volumeName, scaleKey).Data, await ChunkStitcher.ReadAllAsync(array));
        Assert.Contains(_server.Requests, request => request.AcceptEncoding?.Contains("gzip", StringComparison.Ordinal) == true);
        Assert.Equal($"{_server.BaseAddress}{volumeName}/{scaleKey}", array.Info.Location);
    }

    [Fact]
    public async Task Jpeg_scales_read_over_http_equal_the_in_memory_read()
    {
        var memory = (await PrecomputedVolume.OpenAsync(await PrecomputedFixtures.LoadAsync("jpeg_rgb"))).OpenScale(0);
        var http = (await PrecomputedVolume.OpenAsync(new HttpStore(new Uri(_server.BaseAddress, "jpeg_rgb")))).OpenScale(0);

        Assert.Equal(await ChunkStitcher.ReadAllAsync(memory), await ChunkStitcher.ReadAllAsync(http));
    }

    [Fact]
    public async Task Server_errors_and_resets_during_chunk_reads_surface_as_transient_io_errors_and_a_retry_succeeds()
    {
        var volume = await PrecomputedVolume.OpenAsync(new HttpStore(new Uri(_server.BaseAddress, "uint16_3ch")));
        var array = volume.OpenScale(0);
        var expected = await array.ReadChunkAsync(new long[] { 0, 0, 0, 0 });

        _server.Fault = HttpFault.Status;
        _server.FaultCount = 1;
        var unavailable = await Assert.ThrowsAsync<StoreUnavailableException>(async () => await array.ReadChunkAsync(new long[] { 0, 0, 0, 0 }));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);

        _server.Fault = HttpFault.Reset;
        _server.FaultCount = 1;
        var reset = await Assert.ThrowsAsync<StoreUnavailableException>(async () => await array.ReadChunkAsync(new long[] { 0, 0, 0, 0 }));
        Assert.Null(reset.StatusCode);

        Assert.Equal(expected, await array.ReadChunkAsync(new long[] { 0, 0, 0, 0 }));
    }

    [Fact]
    public async Task A_missing_volume_names_the_info_url_looked_for_and_a_missing_chunk_costs_two_requests()
    {
        var missing = await Assert.ThrowsAsync<VolumeFormatException>(async () => await PrecomputedVolume.OpenAsync(new HttpStore(new Uri(_server.BaseAddress, "nothing-here"))));
        Assert.Contains($"{_server.BaseAddress}nothing-here/info", missing.Message, StringComparison.Ordinal);

        var array = (await PrecomputedVolume.OpenAsync(new HttpStore(new Uri(_server.BaseAddress, "uint8")))).OpenScale("s0");
        _server.Requests.Clear();
        await Assert.ThrowsAsync<MissingChunkException>(async () => await array.ReadChunkAsync(new long[] { 1, 0, 2 }));
        Assert.Equal(["uint8/s0/21-26_-3-5_104-107", "uint8/s0/21-26_-3-5_104-107.gz"], _server.Requests.Select(request => request.Path));
    }
}
