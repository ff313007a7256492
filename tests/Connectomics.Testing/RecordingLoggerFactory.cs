using Microsoft.Extensions.Logging;

namespace Connectomics.Testing;

/// <summary>Hands out one <see cref="RecordingLogger"/> for every category, remembering the categories asked for.</summary>
public sealed class RecordingLoggerFactory : ILoggerFactory
{
    public RecordingLogger Logger { get; } = new();

    public List<string> Categories { get; } = [];

    public ILogger CreateLogger(string categoryName)
    {
        lock (Categories)
        {
            Categories.Add(categoryName);
        }

        return Logger;
    }

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
