using System.Globalization;

namespace Connectomics.Benchmarks;

/// <summary>What a measurement ran on and beside: the processor's name and the load averages.</summary>
internal static class MachineLoad
{
    /// <summary>The first <c>model name</c> of /proc/cpuinfo and the processor count.</summary>
    public static string Processor()
    {
        var name = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        return string.Create(CultureInfo.InvariantCulture, $"{name}, {Environment.ProcessorCount} logical processor(s)");
    }

    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg.</summary>
    public static string Averages() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The 1-minute load average.</summary>
    public static double OneMinute() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>The median of some values.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
