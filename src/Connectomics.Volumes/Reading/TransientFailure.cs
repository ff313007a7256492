using System.Net;
using Connectomics.Volumes.Errors;

namespace Connectomics.Volumes.Reading;

/// <summary>Which failures of a chunk read are worth trying again.</summary>
internal static class TransientFailure
{
    /// <summary>
    /// Gets whether a failure is transient: an <see cref="IOException"/> other than file or directory not found (a
    /// store's reset, a truncated body, an HTTP 5xx or 429 as the HTTP store reports them), an
    /// <see cref="HttpRequestException"/> without a status or with a 5xx, 408 or 429 status, a
    /// <see cref="TimeoutException"/>, or a time-out that surfaced as a cancellation the caller did not ask for. Corrupt
    /// data (<see cref="VolumeDataException"/>, <see cref="InvalidDataException"/>) never is.
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <param name="cancellationToken">The caller's token: a cancellation it asked for is not a failure.</param>
    /// <returns>Whether to try again.</returns>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        VolumeDataException or InvalidDataException => false,
        FileNotFoundException or DirectoryNotFoundException => false,
        IOException => true,
        HttpRequestException http => http.StatusCode is null
            || (int)http.StatusCode.Value >= 500
            || http.StatusCode.Value is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        TimeoutException => true,
        OperationCanceledException canceled => !cancellationToken.IsCancellationRequested && canceled.InnerException is TimeoutException,
        _ => false,
    };
}
