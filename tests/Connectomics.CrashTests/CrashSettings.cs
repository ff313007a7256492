using System.Globalization;

namespace Connectomics.CrashTests;

/// <summary>
/// How many crashes the tests make, from the environment: <c>CONNECTOMICS_CRASH_POINTS</c> kill points (default
/// <see cref="DefaultPoints"/>, one per named point) and <c>CONNECTOMICS_CRASH_KILLS</c> kills of the plain tool at
/// random instants (default <see cref="DefaultKills"/>), drawn from <c>CONNECTOMICS_CRASH_SEED</c> (default 2026).
/// </summary>
internal static class CrashSettings
{
    public const int DefaultPoints = 11;
    public const int DefaultKills = 3;

    public static int Points => Read("CONNECTOMICS_CRASH_POINTS", DefaultPoints);

    public static int Kills => Read("CONNECTOMICS_CRASH_KILLS", DefaultKills);

    public static int Seed => Read("CONNECTOMICS_CRASH_SEED", 2026);

    private static int Read(string name, int fallback)
    {
        var text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new FormatException($"{name}='{text}' is not a whole number.");
    }
}
