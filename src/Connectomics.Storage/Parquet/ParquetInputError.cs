namespace Connectomics.Storage.Parquet;

/// <summary>What went wrong when reading Parquet input, carried by <see cref="ParquetInputException.Error"/>.</summary>
public enum ParquetInputError
{
    /// <summary>No specific kind was given.</summary>
    Unspecified = 0,

    /// <summary>An input file, directory or glob matched no file.</summary>
    FileNotFound,

    /// <summary>The file is not a Parquet file (it does not start with the Parquet magic bytes).</summary>
    NotParquet,

    /// <summary>The file starts like Parquet but its footer or data cannot be decoded (truncated or damaged).</summary>
    Corrupt,

    /// <summary>A column that was asked for is not in the file.</summary>
    ColumnMissing,

    /// <summary>A column has a type that cannot be read as asked (into the record shape, or as vectors).</summary>
    ColumnType,

    /// <summary>An id or sequence value, or a vector, is null.</summary>
    NullValue,

    /// <summary>A resume position does not fit the input (unknown file, row group or row out of range).</summary>
    InvalidPosition,

    /// <summary>The file exists but cannot be opened or read (permissions, an I/O failure).</summary>
    Unreadable,

    /// <summary>A vector has another number of values than the vectors before it (or the dimension asked for).</summary>
    VectorLength,
}
