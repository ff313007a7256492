using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Connectomics.Storage.Lance.Table;

/// <summary>File names and version discovery inside a <c>&lt;table&gt;.lance</c> directory.</summary>
internal static class TableLayout
{
    public const string DataDirectory = "data";
    public const string VersionsDirectory = "_versions";
    public const string TransactionsDirectory = "_transactions";
    public const string VersionHintFile = "latest_version_hint.json";
    private const string ManifestSuffix = ".manifest";
    private const int V2NameLength = 20 + 9;

    /// <summary>Gets the scheme-V2 manifest file name of a version: <c>u64::MAX − version</c>, 20 digits.</summary>
    public static string ManifestFileName(ulong version) =>
        (ulong.MaxValue - version).ToString("D20", CultureInfo.InvariantCulture) + ManifestSuffix;

    /// <summary>Parses a manifest file name; returns the version and whether it uses the V2 scheme, or null.</summary>
    public static (ulong Version, bool IsV2)? ParseManifestFileName(string fileName)
    {
        if (!fileName.EndsWith(ManifestSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var stem = fileName.AsSpan(0, fileName.Length - ManifestSuffix.Length);
        if (stem.IsEmpty || !ulong.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        return fileName.Length == V2NameLength ? (ulong.MaxValue - number, true) : (number, false);
    }

    /// <summary>Lists the committed versions of a table: version → manifest path, in ascending order.</summary>
    public static SortedDictionary<ulong, string> ListVersions(string tablePath)
    {
        var result = new SortedDictionary<ulong, string>();
        var directory = Path.Combine(tablePath, VersionsDirectory);
        if (!Directory.Exists(directory))
        {
            return result;
        }

        bool? v2 = null;
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            if (ParseManifestFileName(Path.GetFileName(path)) is not { } parsed)
            {
                continue;
            }

            if (v2 is { } scheme && scheme != parsed.IsV2)
            {
                throw new LanceFormatException("The table mixes manifest naming schemes V1 and V2.", directory);
            }

            v2 = parsed.IsV2;
            result[parsed.Version] = path;
        }

        return result;
    }

    /// <summary>Creates a data file name the way Lance does: 24 binary digits then 26 hex digits from a random id.</summary>
    public static string NewDataFileName()
    {
        Span<byte> id = stackalloc byte[16];
        RandomNumberGenerator.Fill(id);
        var name = new StringBuilder(56);
        for (var i = 0; i < 3; i++)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                name.Append((id[i] >> bit & 1) == 1 ? '1' : '0');
            }
        }

        name.Append(Convert.ToHexStringLower(id[3..]));
        return name.Append(".lance").ToString();
    }

    public static string DataFilePath(string tablePath, string fileName) => Path.Combine(tablePath, DataDirectory, fileName);
}
