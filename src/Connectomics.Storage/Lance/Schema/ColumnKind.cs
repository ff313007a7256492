namespace Connectomics.Storage.Lance.Schema;

/// <summary>How a top-level column's values are laid out in a Lance page.</summary>
internal enum ColumnKind
{
    /// <summary>Fixed-width values (integers, floats, dates, timestamps); <see cref="ColumnType.ByteWidth"/> bytes each.</summary>
    FixedWidth,

    /// <summary>Booleans, one bit each.</summary>
    Boolean,

    /// <summary>UTF-8 strings (Arrow Utf8 or LargeUtf8).</summary>
    String,

    /// <summary>Binary values (Arrow Binary or LargeBinary).</summary>
    Binary,

    /// <summary>A fixed-size list of fixed-width items (vectors); <see cref="ColumnType.Dimension"/> items each.</summary>
    FixedSizeList,
}
