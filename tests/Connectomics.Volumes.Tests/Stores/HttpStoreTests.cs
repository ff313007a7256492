using System.Net;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Stores;

public sealed class HttpStoreTests : IAsyncLifetime, IDisposable
{
    private static readonly byte[] Value = [.. Enumerable.Range(0, 100).Select(i => (byte)(i * 7))];

    private readonly TempDirectory _root = new("http-store");
    private LoopbackHttpServer _server = null!;

    public Task InitializeAsync()
    {
        File.WriteAllBytes(_root.File("s0", "a b", "value"), Value);
        File.WriteAllBytes(_root.File("empty"), []);
        _server = new LoopbackHttpServer(_root.Path);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Whole_reads_return_the_bytes_decode_gzip_content_encoding_and_read_missing_keys_as_null()
    {
        var store = new HttpStore(_server.BaseAddress);

        Assert.Equal(Value, await store.GetAsync("s0/a b/value"));
        Assert.Equal("s0/a%20b/value", _server.Requests.Last().Path);
        Assert.Null(await store.GetAsync("s0/missing"));
        Assert.Equal(Array.Empty<byte>(), await store.GetAsync("empty"));

        _server.GzipWhenAccepted = true;
        Assert.Equal(Value, await store.GetAsync("s0/a b/value"));
        Assert.Contains("gzip", _server.Requests.Last().AcceptEncoding, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Range_reads_send_a_range_header_and_return_the_bytes_up_to_the_end()
    {
        _server.GzipWhenAccepted = true;
        var store = new HttpStore(_server.BaseAddress);

        Assert.Equal(Value[10..15], await store.GetRangeAsync("s0/a b/value", ByteRange.FromOffset(10, 5)));
        Assert.Equal("bytes=10-14", _server.Requests.Last().Range);
        Assert.Equal("identity", _server.Requests.Last().AcceptEncoding);
        Assert.Equal(Value[90..], await store.GetRangeAsync("s0/a b/value", ByteRange.FromOffset(90, 50)));
        Assert.Equal(Value[^8..], await store.GetRangeAsync("s0/a b/value", ByteRange.Suffix(8)));
        Assert.Equal("bytes=-8", _server.Requests.Last().Range);
        Assert.Equal(Value, await store.GetRangeAsync("s0/a b/value", ByteRange.Suffix(500)));
        Assert.Equal(Array.Empty<byte>(), await store.GetRangeAsync("s0/a b/value", ByteRange.FromOffset(100, 4)));
        Assert.Equal(Array.Empty<byte>(), await store.GetRangeAsync("s0/a b/value", ByteRange.FromOffset(3, 0)));
        Assert.Equal("HEAD", _server.Requests.Last().Method);
        Assert.Null(await store.GetRangeAsync("s0/missing", ByteRange.FromOffset(0, 4)));
        Assert.Null(await store.GetRangeAsync("s0/missing", ByteRange.FromOffset(0, 0)));
    }

    [Fact]
    public async Task A_server_that_ignores_ranges_and_answers_the_whole_value_is_sliced()
    {
        _server.IgnoreRange = true;
        var store = new HttpStore(_server.BaseAddress);

        Assert.Equal(Value[20..30], await store.GetRangeAsync("s0/a b/value", ByteRange.FromOffset(20, 10)));
        Assert.Equal(Value[^3..], await store.GetRangeAsync("s0/a b/value", ByteRange.Suffix(3)));
        Assert.Equal(Array.Empty<byte>(), await store.GetRangeAsync("s0/a b/value", ByteRange.FromOffset(200, 10)));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Server_errors_and_throttling_are_transient_io_errors_carrying_the_status(HttpStatusCode status)
    {
        _server.Fault = HttpFault.Status;
        _server.FaultStatus = status;
        _server.FaultCount = 2;
        var store = new HttpStore(_server.BaseAddress);

        var whole = await Assert.ThrowsAsync<StoreUnavailableException>(async () => await store.GetAsync("s0/a b/value"));
        var range = await Assert.ThrowsAsync<StoreUnavailableException>(async () => await store.GetRangeAsync("s0/a b/value", ByteRange.Suffix(4)));

        Assert.IsAssignableFrom<IOException>(whole);
        Assert.Equal(status, whole.StatusCode);
        Assert.Equal(status, range.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), whole.RetryAfter);
        Assert.Contains($"{store.Location}/s0/a b/value", whole.Message, StringComparison.Ordinal);
        Assert.Equal(Value, await store.GetAsync("s0/a b/value"));
    }

    [Theory]
    [InlineData(HttpFault.Reset)]
    [InlineData(HttpFault.CutBody)]
    public async Task Connection_resets_and_cut_bodies_are_transient_io_errors_without_a_status(HttpFault fault)
    {
        _server.Fault = fault;
        _server.FaultCount = 1;
        var store = new HttpStore(_server.BaseAddress);

        var exception = await Assert.ThrowsAsync<StoreUnavailableException>(async () => await store.GetAsync("s0/a b/value"));

        Assert.Null(exception.StatusCode);
        Assert.Contains("s0/a b/value", exception.Message, StringComparison.Ordinal);
        Assert.Equal(Value, await store.GetAsync("s0/a b/value"));
    }

    [Fact]
    public async Task A_request_that_outlives_the_clients_timeout_is_a_transient_io_error_and_caller_cancellation_is_not()
    {
        _server.Fault = HttpFault.Stall;
        _server.FaultCount = 2;
        using var client = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var store = new HttpStore(_server.BaseAddress, client);

        var timedOut = await Assert.ThrowsAsync<StoreUnavailableException>(async () => await store.GetAsync("s0/a b/value"));
        Assert.IsType<TimeoutException>(timedOut.InnerException);

        using var patient = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await new HttpStore(_server.BaseAddress, patient).GetAsync("s0/a b/value", cancellation.Token));
        Assert.IsNotType<StoreUnavailableException>(cancelled);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task Other_client_errors_are_not_io_errors_and_name_the_url(HttpStatusCode status)
    {
        _server.StatusOverrides["private/chunk"] = status;
        var store = new HttpStore(_server.BaseAddress);

        var exception = await Assert.ThrowsAsync<StoreRequestRejectedException>(async () => await store.GetAsync("private/chunk"));

        Assert.IsNotAssignableFrom<IOException>(exception);
        Assert.Equal(status, exception.StatusCode);
        Assert.Equal($"{store.Location}/private/chunk", exception.Url);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_string_goes_with_every_request_but_not_into_the_location()
    {
        var store = new HttpStore(new Uri(_server.BaseAddress, "s0?token=secret"));

        Assert.Equal(Value, await store.GetAsync("a b/value"));

        Assert.Equal("s0/a%20b/value?token=secret", _server.Requests.Last().Path);
        Assert.Equal($"{_server.BaseAddress}s0", store.Location);
        Assert.DoesNotContain("secret", store.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_store_is_read_only_and_cannot_list()
    {
        var store = new HttpStore(_server.BaseAddress.ToString());

        Assert.True(store.IsReadOnly);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await store.PutAsync("k", new byte[] { 1 }));
        await Assert.ThrowsAsync<NotSupportedException>(async () => await store.DeleteAsync("k"));
        Assert.Throws<NotSupportedException>(() => store.ListAsync(""));
        Assert.Throws<ArgumentException>(() => new HttpStore("ftp://example.org/data"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetAsync("../etc/passwd"));
        Assert.Empty(_server.Requests);
    }
}
