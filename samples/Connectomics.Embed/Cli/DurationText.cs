using System.Globalization;

namespace Connectomics.Embed.Cli;

/// <summary>Durations as people type them: <c>30m</c>, <c>90s</c>, <c>2h</c>, <c>1h30m</c>, <c>1d</c>.</summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var total = TimeSpan.Zero;
        var number = 0L;
        var digits = 0;
        foreach (var c in text.Trim())
        {
            if (char.IsAsciiDigit(c))
            {
                if (number > (long.MaxValue / 10) - 9)
                {
                    return false;
                }

                number = (number * 10) + (c - '0');
                digits++;
                continue;
            }

            if (digits == 0)
            {
                return false;
            }

            TimeSpan unit;
            switch (c)
            {
                case 'd': unit = TimeSpan.FromDays(1); break;
                case 'h': unit = TimeSpan.FromHours(1); break;
                case 'm': unit = TimeSpan.FromMinutes(1); break;
                case 's': unit = TimeSpan.FromSeconds(1); break;
                default: return false;
            }

            if (number > TimeSpan.MaxValue.Ticks / unit.Ticks)
            {
                return false;
            }

            total += TimeSpan.FromTicks(number * unit.Ticks);
            number = 0;
            digits = 0;
        }

        if (digits != 0)
        {
            return false;
        }

        duration = total;
        return true;
    }

    public static string Format(TimeSpan duration) =>
        duration.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h{duration.Minutes:D2}m")
            : duration.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m{duration.Seconds:D2}s")
                : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:F1}s");
}
