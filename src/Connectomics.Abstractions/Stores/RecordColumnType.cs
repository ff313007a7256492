namespace Connectomics.Stores;

/// <summary>The type of a record column, and the .NET values it holds.</summary>
public enum RecordColumnType
{
    /// <summary>UTF-8 text; <see cref="string"/>.</summary>
    String,

    /// <summary>32-bit integers; <see cref="int"/>.</summary>
    Int32,

    /// <summary>64-bit integers; <see cref="long"/>.</summary>
    Int64,

    /// <summary>32-bit floating point; <see cref="float"/>.</summary>
    Float,

    /// <summary>64-bit floating point; <see cref="double"/>.</summary>
    Double,

    /// <summary>Booleans; <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>Dates; <see cref="DateOnly"/>.</summary>
    Date,

    /// <summary>UTC timestamps with microsecond precision; <see cref="DateTimeOffset"/>.</summary>
    Timestamp,
}
