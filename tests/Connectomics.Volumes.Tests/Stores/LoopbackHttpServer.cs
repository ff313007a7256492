using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Connectomics.Volumes.Tests.Stores;

/// <summary>How the loopback server misbehaves for the next <see cref="LoopbackHttpServer.FaultCount"/> requests.</summary>
public enum HttpFault
{
    None,

    /// <summary>Answers <see cref="LoopbackHttpServer.FaultStatus"/> (503 by default) with a Retry-After header.</summary>
    Status,

    /// <summary>Reads the request and resets the connection (TCP RST) without answering.</summary>
    Reset,

    /// <summary>Sends the headers and half the body, then resets.</summary>
    CutBody,

    /// <summary>Reads the request and never answers.</summary>
    Stall,
}

/// <summary>A request as the loopback server received it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string? Range, string? AcceptEncoding);

/// <summary>
/// A minimal HTTP/1.1 file server on 127.0.0.1 (one request per connection) serving a folder, with the behaviour of
/// cloud buckets that HTTP stores meet: <c>Range</c> (offset, open and suffix ranges; 416 past the end),
/// <c>Content-Encoding: gzip</c> when the client accepts it, and faults: statuses, resets, cut bodies, stalls.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _faultCount;

    public LoopbackHttpServer(string root)
    {
        _root = root;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Gets or sets whether whole answers are gzip-encoded when the request accepts gzip.</summary>
    public bool GzipWhenAccepted { get; set; }

    /// <summary>Gets or sets whether <c>Range</c> headers are ignored (the whole file answered with 200).</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Gets or sets paths (relative, unescaped) answered with a fixed status instead of the file.</summary>
    public ConcurrentDictionary<string, HttpStatusCode> StatusOverrides { get; } = new(StringComparer.Ordinal);

    public HttpFault Fault { get; set; }

    public HttpStatusCode FaultStatus { get; set; } = HttpStatusCode.ServiceUnavailable;

    /// <summary>Gets or sets how many of the next requests get <see cref="Fault"/>.</summary>
    public int FaultCount { get => Volatile.Read(ref _faultCount); set => Volatile.Write(ref _faultCount, value); }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: false);
            var head = await ReadHeadAsync(stream);
            if (head is null)
            {
                return;
            }

            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            var headers = lines.Skip(1).Where(line => line.Contains(':', StringComparison.Ordinal))
                .ToDictionary(line => line[..line.IndexOf(':', StringComparison.Ordinal)].Trim(), line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
            var method = requestLine[0];
            var target = requestLine[1];
            var path = Uri.UnescapeDataString(target.Split('?')[0].TrimStart('/'));
            headers.TryGetValue("Range", out var range);
            headers.TryGetValue("Accept-Encoding", out var acceptEncoding);
            Requests.Enqueue(new RecordedRequest(method, target.TrimStart('/'), range, acceptEncoding));

            var fault = Interlocked.Decrement(ref _faultCount) >= 0 ? Fault : HttpFault.None;
            switch (fault)
            {
                case HttpFault.Status:
                    await WriteAsync(stream, FaultStatus, [], [("Retry-After", "7")], method);
                    return;
                case HttpFault.Reset:
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    return;
                case HttpFault.Stall:
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
            }

            if (StatusOverrides.TryGetValue(path, out var overridden))
            {
                await WriteAsync(stream, overridden, Encoding.ASCII.GetBytes("refused"), [], method);
                return;
            }

            var file = Path.Combine(_root, path);
            if (path.Length == 0 || !File.Exists(file))
            {
                await WriteAsync(stream, HttpStatusCode.NotFound, Encoding.ASCII.GetBytes("not found"), [], method);
                return;
            }

            var content = await File.ReadAllBytesAsync(file);
            if (range is not null && !IgnoreRange)
            {
                var (start, end) = ParseRange(range, content.Length);
                if (start >= content.Length || end < start)
                {
                    await WriteAsync(stream, HttpStatusCode.RequestedRangeNotSatisfiable, [], [("Content-Range", $"bytes */{content.Length}")], method);
                    return;
                }

                await WriteAsync(stream, HttpStatusCode.PartialContent, content[(int)start..(int)(end + 1)], [("Content-Range", $"bytes {start}-{end}/{content.Length}")], method, fault == HttpFault.CutBody ? socket : null);
                return;
            }

            if (GzipWhenAccepted && acceptEncoding?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true)
            {
                using var buffer = new MemoryStream();
                using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
                {
                    gzip.Write(content);
                }

                await WriteAsync(stream, HttpStatusCode.OK, buffer.ToArray(), [("Content-Encoding", "gzip")], method, fault == HttpFault.CutBody ? socket : null);
                return;
            }

            await WriteAsync(stream, HttpStatusCode.OK, content, [], method, fault == HttpFault.CutBody ? socket : null);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    private static (long Start, long End) ParseRange(string range, long length)
    {
        var spec = range["bytes=".Length..];
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        var first = spec[..dash];
        var last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            var suffix = long.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
            return (Math.Max(0, length - suffix), length - 1);
        }

        var start = long.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        var end = last.Length == 0 ? length - 1 : Math.Min(long.Parse(last, System.Globalization.CultureInfo.InvariantCulture), length - 1);
        return (start, end);
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^1] == '\n' && buffer[^2] == '\r' && buffer[^3] == '\n' && buffer[^4] == '\r')
            {
                return Encoding.ASCII.GetString([.. buffer]);
            }
        }
    }

    private static async Task WriteAsync(NetworkStream stream, HttpStatusCode status, byte[] body, (string Name, string Value)[] headers, string method, Socket? cutAfterHalf = null)
    {
        var head = new StringBuilder()
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP/1.1 {(int)status} {status}\r\n")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (method == "HEAD")
        {
            return;
        }

        if (cutAfterHalf is not null)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            cutAfterHalf.LingerState = new LingerOption(true, 0);
            cutAfterHalf.Close();
            return;
        }

        await stream.WriteAsync(body);
    }
}
