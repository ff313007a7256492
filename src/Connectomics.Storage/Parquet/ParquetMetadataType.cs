namespace Connectomics.Storage.Parquet;

/// <summary>The type of a metadata column written by a <see cref="ParquetSequenceWriter"/>, and the values it takes.</summary>
public enum ParquetMetadataType
{
    /// <summary>A UTF-8 string column; takes <see cref="string"/>.</summary>
    String,

    /// <summary>A 32-bit integer column; takes <see cref="int"/> and smaller integers.</summary>
    Int32,

    /// <summary>A 64-bit integer column; takes <see cref="long"/> and smaller integers.</summary>
    Int64,

    /// <summary>A 32-bit floating-point column; takes <see cref="float"/>.</summary>
    Float,

    /// <summary>A 64-bit floating-point column; takes <see cref="double"/> and <see cref="float"/>.</summary>
    Double,

    /// <summary>A boolean column; takes <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>A date column (days since the epoch); takes <see cref="DateOnly"/>.</summary>
    Date,

    /// <summary>
    /// A timestamp column adjusted to UTC, with microsecond precision (finer ticks are truncated); takes
    /// <see cref="DateTimeOffset"/> and <see cref="DateTime"/> (a <see cref="DateTimeKind.Local"/> value is
    /// converted to UTC, an <see cref="DateTimeKind.Unspecified"/> one is taken as UTC). Read back as a
    /// <see cref="DateTimeOffset"/> with offset zero.
    /// </summary>
    Timestamp,
}
