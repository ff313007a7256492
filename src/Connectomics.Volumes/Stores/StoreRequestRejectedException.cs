using System.Net;

namespace Connectomics.Volumes.Stores;

/// <summary>
/// A server refused a request for a reason that waiting will not fix: an HTTP 4xx status other than 404 (missing
/// keys read as <see langword="null"/>), 408 and 429 (those are <see cref="StoreUnavailableException"/>), e.g. 401 or
/// 403 for a private bucket or a signed address that expired. Not an <see cref="IOException"/>, so it is never retried.
/// </summary>
public sealed class StoreRequestRejectedException : ConnectomicsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="url">The address of the request (without its query string).</param>
    /// <param name="statusCode">The HTTP status the server answered.</param>
    /// <param name="message">What happened, for people; <paramref name="url"/> is prefixed to it.</param>
    public StoreRequestRejectedException(string url, HttpStatusCode statusCode, string message)
        : base($"{url}: {message}")
    {
        Url = url;
        StatusCode = statusCode;
    }

    /// <summary>Gets the address of the request (without its query string).</summary>
    public string Url { get; }

    /// <summary>Gets the HTTP status the server answered.</summary>
    public HttpStatusCode StatusCode { get; }
}
