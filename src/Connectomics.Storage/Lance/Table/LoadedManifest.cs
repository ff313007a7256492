using Connectomics.Storage.Lance.Metadata;

namespace Connectomics.Storage.Lance.Table;

/// <summary>A manifest read from disk together with its path and the raw blocks a new version must carry over.</summary>
internal sealed class LoadedManifest(string path, ManifestInfo manifest, byte[]? indexSection, byte[]? inlineTransaction)
{
    public string Path { get; } = path;

    public ManifestInfo Manifest { get; } = manifest;

    /// <summary>Gets the IndexSection block (without length prefix), when the version has indices.</summary>
    public byte[]? IndexSection { get; } = indexSection;

    /// <summary>Gets the inline transaction block (without length prefix), when present.</summary>
    public byte[]? InlineTransaction { get; } = inlineTransaction;

    public static async Task<LoadedManifest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        var manifest = ManifestFile.Decode(bytes, path);
        try
        {
            return new LoadedManifest(path, manifest, ManifestFile.ReadBlock(bytes, manifest.IndexSection), ManifestFile.ReadBlock(bytes, manifest.TransactionSection));
        }
        catch (LanceFormatException e) when (e.FilePath is null)
        {
            throw new LanceFormatException(e.Message, path);
        }
    }

    /// <summary>Gets the newest committed version of a table, or null when the table has none.</summary>
    public static async Task<LoadedManifest?> ReadLatestAsync(string tablePath, CancellationToken cancellationToken)
    {
        var versions = TableLayout.ListVersions(tablePath);
        return versions.Count == 0 ? null : await ReadAsync(versions.Last().Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the transaction that produced this version: the inline one, else the manifest's <c>_transactions</c>
    /// file; null when the version records none or its file is gone (removed by a cleanup).
    /// </summary>
    public async Task<TransactionInfo?> ReadTransactionAsync(string tablePath, CancellationToken cancellationToken)
    {
        if (InlineTransaction is { } inline)
        {
            return TransactionInfo.Decode(inline);
        }

        if (string.IsNullOrEmpty(Manifest.TransactionFile))
        {
            return null;
        }

        var path = System.IO.Path.Combine(tablePath, TableLayout.TransactionsDirectory, Manifest.TransactionFile);
        try
        {
            return TransactionInfo.Decode(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Gets the data storage version of the table: the manifest's <c>data_format</c>, else inferred from its files.</summary>
    public LanceDataStorageVersion? DataStorageVersion()
    {
        if (!string.IsNullOrEmpty(Manifest.DataFormatVersion))
        {
            return Manifest.DataFormatVersion switch
            {
                "2.0" => LanceDataStorageVersion.V2_0,
                "2.1" => LanceDataStorageVersion.V2_1,
                _ => throw new LanceFormatException($"Data storage version '{Manifest.DataFormatVersion}' is not supported; this library reads and writes 2.0 and 2.1.", Path),
            };
        }

        var file = Manifest.Fragments.SelectMany(f => f.Files).FirstOrDefault();
        return file switch
        {
            null => null,
            { MajorVersion: 2, MinorVersion: 0 } or { MajorVersion: 0, MinorVersion: 3 } => LanceDataStorageVersion.V2_0,
            { MajorVersion: 2, MinorVersion: 1 } => LanceDataStorageVersion.V2_1,
            _ => throw new LanceFormatException($"Data file version {file.MajorVersion}.{file.MinorVersion} is not supported; this library reads and writes 2.0 and 2.1.", Path),
        };
    }
}
