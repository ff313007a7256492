using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Connectomics.Embed.Cli;
using Connectomics.Storage.Fasta;
using Microsoft.Extensions.Logging;

namespace Connectomics.Embed.Jobs;

/// <summary>The JSON-lines form: <c>--fasta FILE --jsonl OUT</c>, one JSON object per record.</summary>
internal static class JsonlJob
{
    public static async Task<int> RunAsync(ParseResult parsed, EmbedCommandLine options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var input = parsed.GetValue(options.Fasta);
        var output = parsed.GetValue(options.Jsonl);
        if (input is null || output is null)
        {
            Console.Error.WriteLine("error: the JSON-lines form takes both --fasta FILE and --jsonl OUT (--help lists the options)");
            return ExitCodes.UsageError;
        }

        using var embedder = EmbedderFactory.Build(parsed, options, loggerFactory, parsed.GetValue(options.UpperCase));
        var started = Stopwatch.GetTimestamp();

        // Written next to the output and moved over it only when complete, so a failure leaves an earlier output as it was.
        await using var writer = new JsonlEmbeddingWriter(output.FullName);
        long count = 0, tokens = 0;
        try
        {
            await foreach (var embedding in embedder.EmbedAsync(Checked(FastaReader.ReadAsync(input.FullName, cancellationToken), input.FullName, cancellationToken), cancellationToken))
            {
                count++;
                tokens += embedding.TokenCount;
                await writer.WriteAsync(embedding, embedder.Tokenizer.EncodeToIds(embedding.Record.Sequence), cancellationToken);
            }
        }
        catch (InvalidSequenceException e)
        {
            // The tokenizer names the record; the file is ours to name.
            throw new InvalidDataException($"{input.FullName}: {e.Message}", e);
        }

        await writer.CompleteAsync(cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embedded {count} records ({tokens} tokens) in {seconds:F2} s: {count / seconds:F1} records/s, {tokens / seconds:F0} tokens/s -> {output.FullName}"));
        return ExitCodes.Success;
    }

    /// <summary>Refuses what would otherwise pass silently: an input without records, a record without bases, a repeated id.</summary>
    private static async IAsyncEnumerable<Sequences.SequenceRecord> Checked(
        IAsyncEnumerable<Sequences.SequenceRecord> records, string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        long index = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            index++;
            if (record.Sequence.Length == 0)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: record {index} ('{record.Id}') has a header but no sequence."));
            }

            if (!seen.TryAdd(record.Id, index))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: record {index} repeats the id '{record.Id}' of record {seen[record.Id]}."));
            }

            yield return record;
        }

        if (index == 0)
        {
            throw new InvalidDataException($"{path}: the file holds no FASTA record.");
        }
    }
}
