using System.IO.Compression;
using Connectomics.Storage.Parquet;

namespace Connectomics.Samples.Inputs;

/// <summary>
/// Tells the format of an input from its first file's first bytes: <c>PAR1</c> is Parquet, <c>&gt;</c> FASTA and
/// <c>@</c> FASTQ, looking through gzip (magic bytes <c>1f 8b</c>) whatever the file is called. A directory is Parquet
/// when it holds <c>*.parquet</c> files, else its first file decides. Files and globs resolve alike for every format.
/// </summary>
internal static class InputFormatDetector
{
    public static InputFormat Detect(IReadOnlyList<string> inputs)
    {
        var first = inputs[0];
        string file;
        if (Directory.Exists(first))
        {
            var files = Directory.EnumerateFiles(first, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            if (files.Any(f => f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)))
            {
                return InputFormat.Parquet;
            }

            file = files.FirstOrDefault() ?? throw new FileNotFoundException($"The input directory '{first}' holds no file.", first);
        }
        else
        {
            file = ParquetInputFiles.Resolve([first])[0];
        }

        return Sniff(file);
    }

    private static InputFormat Sniff(string file)
    {
        using var stream = File.OpenRead(file);
        Span<byte> magic = stackalloc byte[4];
        var read = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (read == 0)
        {
            throw new InvalidDataException($"The input file '{Path.GetFullPath(file)}' is empty: it holds no reads.");
        }

        if (read == 4 && magic.SequenceEqual("PAR1"u8))
        {
            return InputFormat.Parquet;
        }

        stream.Position = 0;
        using var text = read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b ? (Stream)new GZipStream(stream, CompressionMode.Decompress) : stream;
        int b;
        while ((b = text.ReadByte()) is ' ' or '\t' or '\r' or '\n')
        {
        }

        return b switch
        {
            -1 => throw new InvalidDataException($"The input file '{Path.GetFullPath(file)}' is empty: it holds no reads."),
            '>' => InputFormat.Fasta,
            '@' => InputFormat.Fastq,
            _ => throw new InvalidDataException($"Cannot tell the format of '{Path.GetFullPath(file)}': it is not Parquet and does not start like FASTA ('>') or FASTQ ('@'); name it with --format."),
        };
    }
}
