using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Connectomics.Volumes.Stores;

/// <summary>
/// A read-only store over HTTP(S): a key is fetched with a GET of <c>base/key</c> (each segment escaped), a range with
/// a <c>Range</c> header. Public cloud buckets (<c>https://storage.googleapis.com/bucket/…</c>, S3 website or object
/// URLs) and static file servers are read this way.
/// </summary>
/// <remarks>
/// <para>Answers: 200 and 206 give the bytes (a server that ignores <c>Range</c> and answers 200 with the whole value is
/// served by slicing it); 404 means the key is missing (<see langword="null"/>): only 404, because 403 is what a
/// private or mistyped bucket answers and reading it as "missing" would silently turn a whole volume into fill;
/// 416 on a range read means the range starts past the end (an empty result). 408, 429 and 5xx, connections refused or
/// reset, responses cut short and time-outs throw <see cref="StoreUnavailableException"/> (an <see cref="IOException"/>,
/// retried by the reading engine; the store never retries). Any other status throws
/// <see cref="StoreRequestRejectedException"/>, which is not retried.</para>
/// <para>Whole reads ask for <c>gzip</c>, <c>deflate</c> and <c>br</c> and decode a <c>Content-Encoding</c> themselves
/// (CloudVolume uploads gzip chunks with <c>Content-Encoding: gzip</c>); an <see cref="HttpClient"/> that decompresses
/// automatically works as well. Range reads ask for <c>identity</c>, as a byte range of a compressed representation
/// cannot be decoded.</para>
/// <para>A query string on the base address (a signed-URL token) is added to every request and left out of
/// <see cref="Location"/> and of error messages. Instances are thread-safe.</para>
/// </remarks>
public sealed class HttpStore : IKeyValueStore
{
    private static readonly Lazy<HttpClient> DefaultClient = new(CreateDefaultClient, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly HttpClient _client;
    private readonly string _basePath;
    private readonly string _query;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="baseAddress">The <c>http</c> or <c>https</c> address of the store's root (a trailing <c>/</c> is implied).</param>
    /// <param name="httpClient">The client to send requests with (its handler, time-out and headers are the caller's);
    /// <see langword="null"/> for a shared default client (100 s time-out, pooled connections).</param>
    /// <exception cref="ArgumentException"><paramref name="baseAddress"/> is not an absolute http(s) address.</exception>
    public HttpStore(Uri baseAddress, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{baseAddress}' is not an absolute http or https address.", nameof(baseAddress));
        }

        _client = httpClient ?? DefaultClient.Value;
        var path = baseAddress.GetLeftPart(UriPartial.Path);
        _basePath = path.EndsWith('/') ? path : path + "/";
        _query = baseAddress.Query;
        Location = _basePath.TrimEnd('/');
    }

    /// <summary>Initializes a new instance from an address string.</summary>
    /// <param name="baseAddress">The <c>http</c> or <c>https</c> address of the store's root.</param>
    /// <param name="httpClient">The client to send requests with, or <see langword="null"/> for the shared default one.</param>
    /// <exception cref="ArgumentException"><paramref name="baseAddress"/> is not an absolute http(s) address.</exception>
    public HttpStore(string baseAddress, HttpClient? httpClient = null)
        : this(ParseAddress(baseAddress), httpClient)
    {
    }

    /// <summary>Gets the store's root address, without a trailing <c>/</c> or a query string.</summary>
    public string Location { get; }

    /// <inheritdoc/>
    public bool IsReadOnly => true;

    /// <summary>Gets the address a key is fetched from (with the base address's query string, if any).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The address.</returns>
    public Uri AddressOf(string key)
    {
        StoreKey.Validate(key);
        var escaped = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return new Uri(_basePath + escaped + _query, UriKind.Absolute);
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var address = AddressOf(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("deflate"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        var (status, body) = await SendAsync(request, key, cancellationToken).ConfigureAwait(false);
        return status == HttpStatusCode.NotFound ? null : body;
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetRangeAsync(string key, ByteRange range, CancellationToken cancellationToken = default)
    {
        var address = AddressOf(key);
        if (range.Length == 0)
        {
            // "bytes=-0" is not a satisfiable range; whether the key exists is all there is to learn.
            using var head = new HttpRequestMessage(HttpMethod.Head, address);
            var (headStatus, _) = await SendAsync(head, key, cancellationToken).ConfigureAwait(false);
            return headStatus == HttpStatusCode.NotFound ? null : [];
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Range = range.IsSuffix
            ? new RangeHeaderValue(null, range.Length)
            : new RangeHeaderValue(range.Offset, checked(range.Offset + range.Length - 1));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        var (status, body) = await SendAsync(request, key, cancellationToken).ConfigureAwait(false);
        switch (status)
        {
            case HttpStatusCode.NotFound:
                return null;
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                return [];
            case HttpStatusCode.PartialContent:
                return body;
            default:
                // The server sent the whole value: take the range from it.
                var (start, length) = range.Resolve(body!.LongLength);
                return start == 0 && length == body.LongLength ? body : body.AsSpan((int)start, (int)length).ToArray();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: HTTP stores are read-only.</exception>
    public ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{Location}: HTTP stores are read-only; '{key}' cannot be written.");

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: HTTP stores are read-only.</exception>
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{Location}: HTTP stores are read-only; '{key}' cannot be deleted.");

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">Always: plain HTTP has no listing.</exception>
    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{Location}: HTTP stores cannot list keys (prefix '{prefix}').");

    private static Uri ParseAddress(string baseAddress)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseAddress);
        return Uri.TryCreate(baseAddress, UriKind.Absolute, out var address)
            ? address
            : throw new ArgumentException($"'{baseAddress}' is not an absolute http or https address.", nameof(baseAddress));
    }

    private static HttpClient CreateDefaultClient() =>
        new(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = TimeSpan.FromSeconds(100),
        };

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date && response.Headers.Date is { } now ? date - now : null;
    }

    private string Describe(string key) => $"{Location}/{key}";

    /// <summary>Sends a request and reads its body; returns the status (404 with a null body) or throws by the rules above.</summary>
    private async Task<(HttpStatusCode Status, byte[]? Body)> SendAsync(HttpRequestMessage request, string key, CancellationToken cancellationToken)
    {
        var url = Describe(key);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = response.StatusCode;
            if (status == HttpStatusCode.NotFound || status == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                return (status, null);
            }

            var code = (int)status;
            if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || code >= 500)
            {
                throw new StoreUnavailableException(url, status, $"the server answered {code} {response.ReasonPhrase}.", RetryAfterOf(response));
            }

            if (code is < 200 or >= 300)
            {
                throw new StoreRequestRejectedException(url, status, $"the server answered {code} {response.ReasonPhrase}.");
            }

            if (request.Method == HttpMethod.Head)
            {
                return (status, null);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.PartialContent)
            {
                CheckContentRange(url, request.Headers.Range, response.Content.Headers.ContentRange, body.LongLength);
            }

            return (status, Decode(url, response.Content.Headers.ContentEncoding, body, status == HttpStatusCode.PartialContent));
        }
        catch (HttpRequestException exception)
        {
            throw new StoreUnavailableException(url, exception.StatusCode, $"the request failed ({exception.HttpRequestError}): {exception.Message}", innerException: exception);
        }
        catch (IOException exception) when (exception is not StoreUnavailableException)
        {
            throw new StoreUnavailableException(url, null, $"the response was cut short: {exception.Message}", innerException: exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(url, null, "the request timed out.", innerException: new TimeoutException(exception.Message, exception));
        }
    }

    private static void CheckContentRange(string url, RangeHeaderValue? requested, ContentRangeHeaderValue? answered, long bodyLength)
    {
        if (requested is null)
        {
            throw new InvalidDataException($"{url}: a 206 answer to a request for the whole value.");
        }

        var wanted = requested.Ranges.First();
        if (answered is null || !answered.HasRange)
        {
            throw new InvalidDataException($"{url}: a 206 answer without a Content-Range header.");
        }

        if (answered.To - answered.From + 1 != bodyLength)
        {
            throw new InvalidDataException($"{url}: the answer's Content-Range {answered} does not match its {bodyLength} bytes.");
        }

        var startMatches = wanted.From is { } from
            ? answered.From == from
            : answered.Length is not { } total || answered.From == Math.Max(0, total - wanted.To!.Value);
        if (!startMatches)
        {
            throw new InvalidDataException($"{url}: asked for bytes {requested} but the server sent {answered}.");
        }
    }

    private static byte[] Decode(string url, ICollection<string> contentEncodings, byte[] body, bool isPartial)
    {
        if (contentEncodings.Count == 0)
        {
            return body;
        }

        var decoded = body;
        foreach (var encoding in contentEncodings.Reverse())
        {
            if (encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (isPartial)
            {
                throw new InvalidDataException($"{url}: the server answered a range request with {encoding}-encoded bytes, which cannot be decoded in part.");
            }

            decoded = encoding.ToUpperInvariant() switch
            {
                "GZIP" or "X-GZIP" => Decompress(url, encoding, decoded, static input => new GZipStream(input, CompressionMode.Decompress)),
                "DEFLATE" => Decompress(url, encoding, decoded, static input => new ZLibStream(input, CompressionMode.Decompress)),
                "BR" => Decompress(url, encoding, decoded, static input => new BrotliStream(input, CompressionMode.Decompress)),
                _ => throw new InvalidDataException($"{url}: Content-Encoding '{encoding}' is not one this store decodes (gzip, deflate, br)."),
            };
        }

        return decoded;
    }

    private static byte[] Decompress(string url, string encoding, byte[] body, Func<Stream, Stream> open)
    {
        try
        {
            using var input = new MemoryStream(body, writable: false);
            using var decoder = open(input);
            using var output = new MemoryStream(body.Length * 4);
            decoder.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"{url}: the {encoding} Content-Encoding does not decode: {exception.Message}", exception);
        }
    }
}
