using System.ComponentModel.DataAnnotations;
using Connectomics.Durability;

namespace Connectomics.Storage.Lance;

/// <summary>Options of <see cref="LanceTableWriter"/>.</summary>
public sealed class LanceWriteOptions
{
    private long _maxRowsPerFragment = LanceWriteDefaults.MaxRowsPerFragment;
    private int _minRowsPerPage = LanceWriteDefaults.MinRowsPerPage;

    /// <summary>Gets or sets what the write does with an existing table.</summary>
    /// <value>The default value is <see cref="LanceWriteMode.Create"/>.</value>
    public LanceWriteMode Mode { get; set; } = LanceWriteMode.Create;

    /// <summary>
    /// Gets or sets the data file format version of a new table (create, overwrite). Appends always use the
    /// existing table's version, because all files of a table must share one.
    /// </summary>
    /// <value>The default value is <see cref="LanceDataStorageVersion.V2_1"/>, the LanceDB default.</value>
    public LanceDataStorageVersion DataStorageVersion { get; set; } = LanceWriteDefaults.DataStorageVersion;

    /// <summary>Gets or sets the most rows a fragment (one data file) holds; a longer stream is cut into several fragments.</summary>
    /// <value>The default value is 1,048,576, as in Lance.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    [Range(1, long.MaxValue)]
    public long MaxRowsPerFragment
    {
        get => _maxRowsPerFragment;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxRowsPerFragment = value;
        }
    }

    /// <summary>
    /// Gets or sets how many rows a page should hold at least: written batches are buffered and combined until they
    /// reach this many rows (or the fragment is full); a larger batch becomes one page as it is. Readers get one
    /// batch per page.
    /// </summary>
    /// <value>The default value is 8,192.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    [Range(1, int.MaxValue)]
    public int MinRowsPerPage
    {
        get => _minRowsPerPage;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _minRowsPerPage = value;
        }
    }

    /// <summary>
    /// Gets or sets what happens to NaN and ±infinity in vector (fixed-size list of floating-point) columns. Values
    /// inside null rows are never looked at.
    /// </summary>
    /// <value>The default value is <see cref="LanceNonFiniteVectors.Reject"/>.</value>
    public LanceNonFiniteVectors NonFiniteVectors { get; set; } = LanceWriteDefaults.NonFiniteVectors;

    /// <summary>Gets or sets the clock for commit timestamps.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the file system that creates, flushes and publishes the table's files.</summary>
    /// <value>The default value is <see cref="OperatingSystemFileSystem.Instance"/>.</value>
    internal IDurableFileSystem FileSystem { get; set; } = OperatingSystemFileSystem.Instance;
}
