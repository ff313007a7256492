using System.ComponentModel.DataAnnotations;

namespace Connectomics.Storage.Inputs;

/// <summary>
/// The checks every source's options make on their list of inputs (files, directories, globs), with the same
/// messages whatever the format.
/// </summary>
internal static class InputListChecks
{
    /// <summary>Checks that the list names at least one input and has no empty entry.</summary>
    /// <param name="inputs">The inputs; <see langword="null"/> is left to the <see cref="RequiredAttribute"/> on the property.</param>
    /// <param name="propertyName">The name of the property that holds the list, for the messages.</param>
    /// <returns>One result for each problem, none when the list is fine.</returns>
    public static IEnumerable<ValidationResult> Check(IList<string>? inputs, string propertyName)
    {
        if (inputs is null)
        {
            yield break;
        }

        if (inputs.Count == 0)
        {
            yield return new ValidationResult($"{propertyName} is empty; name at least one file, directory or glob.");
        }

        if (inputs.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult($"{propertyName} has an empty entry.");
        }
    }
}
