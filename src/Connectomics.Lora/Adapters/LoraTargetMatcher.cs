using System.Globalization;
using System.Text.RegularExpressions;

namespace Connectomics.Lora.Adapters;

/// <summary>
/// PEFT's rules for which modules an adapter wraps and with which rank and alpha: a list entry matches a name equal to
/// it or ending in <c>.</c> + entry (then restricted to <see cref="LoraOptions.LayersToTransform"/> by the layer index
/// read from the name); a regex must match the whole name; pattern keys match the end of a name at a dot boundary.
/// </summary>
internal static class LoraTargetMatcher
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(1);
    private static readonly Regex s_anyLayerIndex = new(@"^.*\.[^.]*\.(?<index>\d+)\.", RegexOptions.CultureInvariant, s_timeout);

    /// <summary>Selects the modules the options target, in the order given.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="names">Candidate module names.</param>
    /// <returns>The matching names.</returns>
    public static IReadOnlyList<string> Select(LoraOptions options, IEnumerable<string> names) =>
        names.Where(name => IsTarget(options, name)).ToList();

    /// <summary>Determines whether the options target a module.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="name">The module's full name.</param>
    /// <returns><see langword="true"/> when the module gets an adapter.</returns>
    public static bool IsTarget(LoraOptions options, string name)
    {
        if (options.TargetModulesRegex is { } pattern)
        {
            return Regex.IsMatch(name, $"^(?:{pattern})$", RegexOptions.CultureInvariant, s_timeout);
        }

        if (options.TargetModules.Contains(name, StringComparer.Ordinal))
        {
            return true;
        }

        if (!options.TargetModules.Any(entry => name.EndsWith("." + entry, StringComparison.Ordinal)))
        {
            return false;
        }

        if (options.LayersToTransform is not { Count: > 0 } layers)
        {
            return true;
        }

        return LayerIndex(name, options.LayersPattern) is { } index && layers.Contains(index);
    }

    /// <summary>Reads the layer index from a module name as PEFT does.</summary>
    /// <param name="name">The module's full name.</param>
    /// <param name="layersPattern">The name of the layer list, or <see langword="null"/> for any segment.</param>
    /// <returns>The index, or <see langword="null"/> when the name holds none.</returns>
    public static int? LayerIndex(string name, string? layersPattern)
    {
        var regex = layersPattern is null
            ? s_anyLayerIndex
            : new Regex($@"^.*\.(?:{layersPattern})\.(?<index>\d+)\.", RegexOptions.CultureInvariant, s_timeout);
        var match = regex.Match(name);
        return match.Success && int.TryParse(match.Groups["index"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;
    }

    /// <summary>Gets the rank of the adapter on a module: the first <see cref="LoraOptions.RankPattern"/> key that
    /// matches, else <see cref="LoraOptions.Rank"/>.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="name">The module's full name.</param>
    /// <returns>The rank.</returns>
    public static int RankFor(LoraOptions options, string name) =>
        FirstMatchingKey(options.RankPattern.Keys, name) is { } key ? options.RankPattern[key] : options.Rank;

    /// <summary>Gets the alpha of the adapter on a module: the first <see cref="LoraOptions.AlphaPattern"/> key that
    /// matches, else <see cref="LoraOptions.Alpha"/>.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="name">The module's full name.</param>
    /// <returns>The alpha.</returns>
    public static double AlphaFor(LoraOptions options, string name) =>
        FirstMatchingKey(options.AlphaPattern.Keys, name) is { } key ? options.AlphaPattern[key] : options.Alpha;

    private static string? FirstMatchingKey(IEnumerable<string> keys, string name) =>
        keys.FirstOrDefault(key => Regex.IsMatch(name, $@"^(?:.*\.)?(?:{key})$", RegexOptions.CultureInvariant, s_timeout));
}
