using System.CommandLine.Parsing;
using System.Globalization;

namespace Connectomics.Lance.Commands;

/// <summary>Parses an age written as a number and a unit: <c>45s</c>, <c>30m</c>, <c>12h</c>, <c>7d</c>, <c>1.5d</c>.</summary>
internal static class DurationText
{
    public static TimeSpan Parse(ArgumentResult result)
    {
        var name = result.Parent is OptionResult option ? option.Option.Name : "the value";
        if (result.Tokens is not [var token] || token.Value.Length < 2)
        {
            result.AddError($"{name} takes one age: a number and a unit s, m, h or d, such as 7d or 0s.");
            return TimeSpan.Zero;
        }

        var text = token.Value;
        var unit = text[^1];
        if (!double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || unit is not ('s' or 'm' or 'h' or 'd'))
        {
            result.AddError($"{name} '{text}' is not an age: write a number and a unit s, m, h or d, such as 7d or 0s.");
            return TimeSpan.Zero;
        }

        var seconds = amount * unit switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => 86400,
        };
        if (seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            result.AddError($"{name} '{text}' is too long an age.");
            return TimeSpan.Zero;
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
