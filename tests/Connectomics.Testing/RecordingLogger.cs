using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Connectomics.Testing;

/// <summary>Keeps every log entry so tests can assert on warnings.</summary>
public sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

    public IEnumerable<(LogLevel Level, EventId EventId, string Message)> Warnings =>
        Entries.Where(entry => entry.Level == LogLevel.Warning);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId, formatter(state, exception)));

    public void Clear() => Entries.Clear();
}
