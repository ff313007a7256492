using System.Net;

namespace Connectomics.Volumes.Stores;

/// <summary>
/// A store could not answer for now: an HTTP 5xx, 429 or 408 status, a connection refused or reset, a response cut
/// short, or a request that timed out. It is an <see cref="IOException"/>, so the reading engine treats it as
/// transient and retries it; stores never retry themselves.
/// </summary>
public sealed class StoreUnavailableException : IOException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="url">The address of the request that failed.</param>
    /// <param name="statusCode">The HTTP status the server answered, or <see langword="null"/> when no answer came.</param>
    /// <param name="message">What happened, for people; <paramref name="url"/> is prefixed to it.</param>
    /// <param name="retryAfter">The wait the server asked for (<c>Retry-After</c>), if any.</param>
    /// <param name="innerException">The transport's exception, if any.</param>
    public StoreUnavailableException(string url, HttpStatusCode? statusCode, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base($"{url}: {message}", innerException)
    {
        Url = url;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the address of the request that failed (without its query string).</summary>
    public string Url { get; }

    /// <summary>Gets the HTTP status the server answered, or <see langword="null"/> when no answer came (reset, time-out).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the wait the server asked for in a <c>Retry-After</c> header, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }
}
