using System.Globalization;
using Connectomics.Storage.Lance.Metadata;

namespace Connectomics.Storage.Lance.Table;

/// <summary>
/// The manifest feature flags and format versions this library understands. A reader must refuse a table whose
/// reader flags hold a bit it does not know; a writer must refuse to commit on top of unknown writer flags.
/// </summary>
internal static class TableFeatures
{
    /// <summary>Some fragment has a deletion file (honoured on read, carried over on append).</summary>
    public const ulong DeletionFiles = ManifestInfo.FeatureDeletionFiles;

    /// <summary>Fragments carry stable row-id sequences (not needed to scan; appends would have to extend them).</summary>
    public const ulong StableRowIds = 2;

    /// <summary>The deprecated "v2 format" flag; it changes nothing.</summary>
    public const ulong LegacyV2Format = 4;

    /// <summary>The manifest holds table config (writers only); kept on append and overwrite.</summary>
    public const ulong TableConfig = 8;

    /// <summary>Flags a table may carry and still be scanned by <see cref="LanceTable"/>.</summary>
    public const ulong Readable = DeletionFiles | StableRowIds | LegacyV2Format | TableConfig;

    /// <summary>Flags a table may carry and still get new versions from <see cref="LanceTableWriter"/>.</summary>
    public const ulong Writable = DeletionFiles | LegacyV2Format | TableConfig;

    /// <summary>Throws unless this library can read the version: known reader flags and data file versions.</summary>
    /// <exception cref="LanceFormatException">The version needs something this library does not read.</exception>
    public static void EnsureReadable(LoadedManifest table)
    {
        var flags = table.Manifest.ReaderFeatureFlags;
        if ((flags & ~Readable) != 0)
        {
            throw new LanceFormatException(
                string.Create(CultureInfo.InvariantCulture, $"Version {table.Manifest.Version} has reader feature flags {flags}, with bits {flags & ~Readable} this library does not know (it reads flags {Readable})."),
                table.Path);
        }

        table.DataStorageVersion();
        foreach (var file in table.Manifest.Fragments.SelectMany(f => f.Files))
        {
            if (file is not ({ MajorVersion: 2, MinorVersion: 0 or 1 } or { MajorVersion: 0, MinorVersion: 3 }))
            {
                throw new LanceFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"Data file '{file.Path}' has file version {file.MajorVersion}.{file.MinorVersion}; this library reads 2.0 and 2.1."),
                    table.Path);
            }
        }
    }

    /// <summary>Throws unless this library may commit a version on top of <paramref name="table"/>.</summary>
    /// <exception cref="LanceFormatException">The table has writer flags this library does not know.</exception>
    public static void EnsureWritable(LoadedManifest table)
    {
        var flags = table.Manifest.WriterFeatureFlags;
        if ((flags & ~Writable) != 0)
        {
            throw new LanceFormatException(
                string.Create(CultureInfo.InvariantCulture, $"Version {table.Manifest.Version} has writer feature flags {flags}, with bits {flags & ~Writable} this library cannot preserve (it writes on flags {Writable}); refusing to write."),
                table.Path);
        }
    }
}
