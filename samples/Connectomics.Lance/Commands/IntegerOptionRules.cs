using System.CommandLine;
using System.Globalization;

namespace Connectomics.Lance.Commands;

/// <summary>Range checks for integer options that report a one-line parse error (text that is no integer is reported by the parser itself).</summary>
internal static class IntegerOptionRules
{
    public static void MustBeAtLeast(this Option<int> option, int minimum) =>
        option.Validators.Add(result =>
        {
            if (result.Tokens is [var token]
                && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                && value < minimum)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be at least {minimum}; it is {value}."));
            }
        });
}
