using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Connectomics.Chunks;

namespace Connectomics.Storage.Lance.Store;

/// <summary>
/// The data file names of one shard of one run: <c>&lt;run&gt;-&lt;hash&gt;-s&lt;i&gt;of&lt;N&gt;-&lt;uuid&gt;.lance</c>, where
/// <c>&lt;run&gt;</c> is the run id with characters other than letters, digits, '.' and '_' replaced (and cut to 48
/// characters) and <c>&lt;hash&gt;</c> the first 8 hex digits of the run id's SHA-256, so that two runs whose ids
/// read alike never share a prefix. A writer recognises its files by the exact shape, not just the prefix.
/// </summary>
internal sealed class OwnedDataFileNames
{
    private const string Extension = ".lance";
    private const int UuidLength = 32;
    private const int MaxRunLength = 48;

    public OwnedDataFileNames(string runId, ShardAssignment shard)
    {
        var readable = new StringBuilder(Math.Min(runId.Length, MaxRunLength));
        foreach (var c in runId.AsSpan(0, Math.Min(runId.Length, MaxRunLength)))
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runId)))[..8];
        Prefix = string.Create(CultureInfo.InvariantCulture, $"{readable}-{hash}-s{shard.Index}of{shard.Count}-");
    }

    /// <summary>Gets what every file name of the run and shard starts with.</summary>
    public string Prefix { get; }

    /// <summary>Creates a new, unique file name.</summary>
    public string NewName() => Prefix + Guid.NewGuid().ToString("N") + Extension;

    /// <summary>Gets whether a data file name is one this run and shard made.</summary>
    public bool IsOwned(string fileName)
    {
        if (fileName.Length != Prefix.Length + UuidLength + Extension.Length
            || !fileName.StartsWith(Prefix, StringComparison.Ordinal)
            || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in fileName.AsSpan(Prefix.Length, UuidLength))
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
