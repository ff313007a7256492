using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Lance.Output;

/// <summary>ISO 8601 text of Arrow dates and timestamps, exact to the column's unit (nanoseconds included).</summary>
internal static class TimestampText
{
    private static readonly DateOnly Epoch = new(1970, 1, 1);

    public static string Of(TimestampArray array, int index)
    {
        var type = (TimestampType)array.Data.DataType;
        var value = array.Values[index];
        var (perSecond, digits) = type.Unit switch
        {
            TimeUnit.Second => (1L, 0),
            TimeUnit.Millisecond => (1_000L, 3),
            TimeUnit.Microsecond => (1_000_000L, 6),
            _ => (1_000_000_000L, 9),
        };
        var seconds = Math.DivRem(value, perSecond, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += perSecond;
        }

        var text = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (digits > 0)
        {
            text += "." + fraction.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return string.IsNullOrEmpty(type.Timezone) ? text : text + "Z";
    }

    public static string Of(Date32Array array, int index) =>
        Epoch.AddDays(array.Values[index]).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
