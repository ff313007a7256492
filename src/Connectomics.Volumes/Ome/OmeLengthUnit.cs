namespace Connectomics.Volumes.Ome;

/// <summary>The length units OME-Zarr allows for spatial axes (UDUNITS-2 names) and their size in nanometres.</summary>
internal static class OmeLengthUnit
{
    /// <summary>The unit voxel sizes are given in once converted.</summary>
    public const string Nanometer = "nanometer";

    private static readonly Dictionary<string, double> Nanometres = new(StringComparer.Ordinal)
    {
        ["yoctometer"] = 1e-15,
        ["zeptometer"] = 1e-12,
        ["attometer"] = 1e-9,
        ["femtometer"] = 1e-6,
        ["picometer"] = 1e-3,
        ["angstrom"] = 0.1,
        ["nanometer"] = 1,
        ["micrometer"] = 1e3,
        ["millimeter"] = 1e6,
        ["centimeter"] = 1e7,
        ["decimeter"] = 1e8,
        ["meter"] = 1e9,
        ["hectometer"] = 1e11,
        ["kilometer"] = 1e12,
        ["megameter"] = 1e15,
        ["gigameter"] = 1e18,
        ["terameter"] = 1e21,
        ["petameter"] = 1e24,
        ["exameter"] = 1e27,
        ["zettameter"] = 1e30,
        ["yottameter"] = 1e33,
        ["inch"] = 2.54e7,
        ["foot"] = 3.048e8,
        ["yard"] = 9.144e8,
        ["mile"] = 1.609344e12,
        ["parsec"] = 3.0856775814913673e25,
    };

    /// <summary>Gets the size of one <paramref name="unit"/> in nanometres.</summary>
    /// <param name="unit">The unit's name.</param>
    /// <param name="nanometres">The size, when the unit is a known length.</param>
    /// <returns><see langword="true"/> when the unit is a known length unit.</returns>
    public static bool TryGetNanometres(string? unit, out double nanometres)
    {
        nanometres = 0;
        return unit is not null && Nanometres.TryGetValue(unit, out nanometres);
    }
}
