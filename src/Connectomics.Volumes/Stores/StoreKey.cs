namespace Connectomics.Volumes.Stores;

/// <summary>The rules every store applies to keys: relative, <c>/</c>-separated, no empty, <c>.</c> or <c>..</c> segment.</summary>
public static class StoreKey
{
    /// <summary>Checks a key.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentException">The key is empty, absolute, has a backslash, or an empty, <c>.</c> or <c>..</c> segment.</exception>
    public static void Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key[0] == '/' || key.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' is not a store key: keys are relative and '/'-separated.", nameof(key));
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"'{key}' is not a store key: it has an empty, '.' or '..' segment.", nameof(key));
            }
        }
    }

    /// <summary>Joins key segments with <c>/</c>, skipping empty ones (an array at the store's root has the empty path).</summary>
    /// <param name="segments">The segments.</param>
    /// <returns>The key.</returns>
    public static string Join(params ReadOnlySpan<string> segments)
    {
        var parts = new List<string>(segments.Length);
        foreach (var segment in segments)
        {
            var trimmed = segment.Trim('/');
            if (trimmed.Length > 0)
            {
                parts.Add(trimmed);
            }
        }

        return string.Join('/', parts);
    }
}
