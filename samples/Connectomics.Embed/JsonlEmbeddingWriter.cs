using System.Text.Json;
using Connectomics.Embeddings;

namespace Connectomics.Embed;

/// <summary>Writes one JSON object per line: <c>{"id", "tokens", "embedding"}</c>, to a temporary file that replaces
/// the target only once everything is written, so a failed run never leaves a partial file behind.</summary>
internal sealed class JsonlEmbeddingWriter : IAsyncDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;
    private bool _completed;

    public JsonlEmbeddingWriter(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _temp = $"{_path}.{Environment.ProcessId}.tmp";
        _stream = new FileStream(_temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { SkipValidation = true });
    }

    public long Count { get; private set; }

    public async ValueTask WriteAsync(SequenceEmbedding embedding, IReadOnlyList<int> tokens, CancellationToken cancellationToken)
    {
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteString("id", embedding.Id);
        _json.WriteStartArray("tokens");
        foreach (var token in tokens)
        {
            _json.WriteNumberValue(token);
        }

        _json.WriteEndArray();
        _json.WriteStartArray("embedding");
        foreach (var value in embedding.Vector.Span)
        {
            _json.WriteNumberValue(value);
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        await _json.FlushAsync(cancellationToken);
        _stream.WriteByte((byte)'\n');
        Count++;
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await _json.FlushAsync(cancellationToken);
        await _json.DisposeAsync();
        await _stream.FlushAsync(cancellationToken);
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync();
        File.Move(_temp, _path, overwrite: true);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            return;
        }

        await _json.DisposeAsync();
        await _stream.DisposeAsync();
        if (File.Exists(_temp))
        {
            File.Delete(_temp);
        }
    }
}
