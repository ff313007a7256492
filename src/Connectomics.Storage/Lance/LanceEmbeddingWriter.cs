using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Embeddings;
using Connectomics.Storage.Arrow;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance;

/// <summary>
/// Writes <see cref="SequenceEmbedding"/>s to a Lance table that LanceDB can vector-search, with the columns
/// <c>id</c> (utf8), <c>length</c> (int32, residues), <c>token_count</c> (int32), <c>window_count</c> (int32) and
/// <c>vector</c> (<c>FixedSizeList&lt;float32, D&gt;</c>). A thin layer over <see cref="LanceTableWriter"/>: the same
/// commit (<see cref="CompleteAsync"/>) and abort (<see cref="DisposeAsync"/>) rules apply.
/// </summary>
/// <remarks>Not thread-safe: call its methods one at a time.</remarks>
public sealed class LanceEmbeddingWriter : IAsyncDisposable
{
    /// <summary>The name of the vector column.</summary>
    public const string VectorColumn = "vector";

    private readonly LanceTableWriter _writer;

    private LanceEmbeddingWriter(LanceTableWriter writer, int dimension)
    {
        _writer = writer;
        Dimension = dimension;
    }

    /// <summary>Gets the vector dimension.</summary>
    public int Dimension { get; }

    /// <summary>Gets the number of embeddings written so far.</summary>
    public long RowsWritten => _writer.RowsWritten;

    /// <summary>Gets the schema of embedding tables of a given dimension.</summary>
    /// <param name="dimension">The vector dimension.</param>
    /// <returns>The schema.</returns>
    public static ArrowSchema CreateSchema(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return new ArrowSchema.Builder()
            .Field(new Field("id", StringType.Default, false))
            .Field(new Field("length", Int32Type.Default, false))
            .Field(new Field("token_count", Int32Type.Default, false))
            .Field(new Field("window_count", Int32Type.Default, false))
            .Field(new Field(VectorColumn, FloatVectors.CreateType(dimension), false))
            .Build();
    }

    /// <summary>Opens a writer on a table directory.</summary>
    /// <param name="tablePath">The table directory, conventionally <c>&lt;db&gt;/&lt;name&gt;.lance</c>.</param>
    /// <param name="dimension">The vector dimension (the model's).</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="LanceCommitConflictException">The mode is create and the table exists.</exception>
    /// <exception cref="LanceFormatException">Appending to a table with other columns.</exception>
    public static async Task<LanceEmbeddingWriter> OpenAsync(string tablePath, int dimension, LanceWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var writer = await LanceTableWriter.OpenAsync(tablePath, CreateSchema(dimension), options, cancellationToken).ConfigureAwait(false);
        return new LanceEmbeddingWriter(writer, dimension);
    }

    /// <summary>Writes a batch of embeddings.</summary>
    /// <param name="embeddings">The embeddings; every vector must have <see cref="Dimension"/> values.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the batch is written.</returns>
    /// <exception cref="ArgumentException">A vector has the wrong length, or holds NaN or infinity while <see cref="LanceWriteOptions.NonFiniteVectors"/> is <see cref="LanceNonFiniteVectors.Reject"/> (the message names the row).</exception>
    public async ValueTask WriteAsync(IReadOnlyList<SequenceEmbedding> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count == 0)
        {
            return;
        }

        var ids = new StringArray.Builder();
        var lengths = new Int32Array.Builder();
        var tokens = new Int32Array.Builder();
        var windows = new Int32Array.Builder();
        var bytes = new byte[embeddings.Count * Dimension * sizeof(float)];
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        for (var i = 0; i < embeddings.Count; i++)
        {
            var embedding = embeddings[i];
            if (embedding.Vector.Length != Dimension)
            {
                throw new ArgumentException($"Embedding '{embedding.Id}' has {embedding.Vector.Length} values; the table stores {Dimension}.", nameof(embeddings));
            }

            ids.Append(embedding.Id);
            lengths.Append(embedding.Record.Sequence.Length);
            tokens.Append(embedding.TokenCount);
            windows.Append(embedding.WindowCount);
            embedding.Vector.Span.CopyTo(values[(i * Dimension)..]);
        }

        var vectors = FloatVectors.FromPacked(Dimension, embeddings.Count, bytes);
        var batch = new RecordBatch(_writer.Schema, [ids.Build(), lengths.Build(), tokens.Build(), windows.Build(), vectors], embeddings.Count);
        await _writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits the embeddings written so far as a new table version. This is the commit point.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The committed version.</returns>
    /// <exception cref="LanceCommitConflictException">Another writer committed an incompatible change first.</exception>
    public Task<ulong> CompleteAsync(CancellationToken cancellationToken = default) => _writer.CompleteAsync(cancellationToken);

    /// <summary>Releases the writer; without a commit, removes what it wrote. Never throws.</summary>
    /// <returns>A task that completes when the writer is released.</returns>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
