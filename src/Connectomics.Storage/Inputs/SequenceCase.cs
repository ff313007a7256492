using System.Text;

namespace Connectomics.Storage.Inputs;

/// <summary>
/// How sources treat the case of residues. Soft-masked regions (repeats written in lower case by RepeatMasker and most
/// genome assemblies) are ordinary bases, not unknown ones, so sources upper-case sequences unless asked to keep the
/// case as written.
/// </summary>
internal static class SequenceCase
{
    /// <summary>The descriptor setting that records the case handling.</summary>
    public const string SettingName = "case";

    /// <summary>Gets the setting's value for a source that upper-cases or keeps the case.</summary>
    /// <param name="upperCase">Whether the source upper-cases.</param>
    /// <returns><c>upper</c> or <c>keep</c>.</returns>
    public static string SettingValue(bool upperCase) => upperCase ? "upper" : "keep";

    /// <summary>Upper-cases a sequence when asked; returns the same instance when nothing changes.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="upperCase">Whether to upper-case.</param>
    /// <returns>The sequence to use.</returns>
    public static string Apply(string sequence, bool upperCase)
    {
        if (!upperCase)
        {
            return sequence;
        }

        var span = sequence.AsSpan();
        return !span.ContainsAnyInRange('a', 'z') && Ascii.IsValid(span) ? sequence : sequence.ToUpperInvariant();
    }
}
