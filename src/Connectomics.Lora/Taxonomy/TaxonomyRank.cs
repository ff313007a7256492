namespace Connectomics.Lora.Taxonomy;

/// <summary>The seven ranks of a taxonomy string <c>kingdom;phylum;class;order;family;genus;species</c>, in order.</summary>
public enum TaxonomyRank
{
    /// <summary>The kingdom (or domain), the first field.</summary>
    Kingdom = 0,

    /// <summary>The phylum, the second field.</summary>
    Phylum = 1,

    /// <summary>The class, the third field.</summary>
    Class = 2,

    /// <summary>The order, the fourth field.</summary>
    Order = 3,

    /// <summary>The family, the fifth field.</summary>
    Family = 4,

    /// <summary>The genus, the sixth field.</summary>
    Genus = 5,

    /// <summary>The species, the seventh field.</summary>
    Species = 6,
}
