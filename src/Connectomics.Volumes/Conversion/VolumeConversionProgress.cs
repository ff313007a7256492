namespace Connectomics.Volumes.Conversion;

/// <summary>How far a conversion is, reported after every write unit stored.</summary>
/// <param name="UnitsDone">The write units (destination chunks or shards) stored so far.</param>
/// <param name="UnitsTotal">The write units of the whole array.</param>
/// <param name="BytesDone">The decoded bytes of the units stored so far (whole units, edges included).</param>
/// <param name="Elapsed">The time since the conversion started.</param>
public sealed record VolumeConversionProgress(long UnitsDone, long UnitsTotal, long BytesDone, TimeSpan Elapsed)
{
    /// <summary>Gets the share of units stored, 0 to 1.</summary>
    public double Fraction => UnitsTotal == 0 ? 1 : (double)UnitsDone / UnitsTotal;
}
