using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// A point in Parquet input where reading can resume: the next row to read is row <see cref="RowOffset"/> of row
/// group <see cref="RowGroup"/> of the file <see cref="FilePath"/>. A position whose <see cref="RowGroup"/> equals
/// the file's row-group count (with offset 0) means "after the last row of this file".
/// </summary>
/// <remarks>
/// Store it as JSON (it serializes with <c>System.Text.Json</c> as <c>{"FilePath":…,"RowGroup":…,"RowOffset":…}</c>)
/// or as the compact string of <see cref="ToString"/> (<c>rowGroup:rowOffset:filePath</c>), read back with
/// <see cref="Parse(string)"/>. The file is matched by its full path, so a position stays valid when files are added
/// to or removed from the input, as long as its own file is still there. Instances are immutable.
/// </remarks>
public sealed record ParquetReadPosition
{
    /// <summary>Initializes a new instance of the <see cref="ParquetReadPosition"/> class.</summary>
    /// <param name="filePath">The file; kept as its full path.</param>
    /// <param name="rowGroup">The zero-based row group.</param>
    /// <param name="rowOffset">The zero-based row within the row group.</param>
    /// <exception cref="ArgumentException"><paramref name="filePath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowGroup"/> or <paramref name="rowOffset"/> is negative.</exception>
    public ParquetReadPosition(string filePath, int rowGroup, long rowOffset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        ArgumentOutOfRangeException.ThrowIfNegative(rowGroup);
        ArgumentOutOfRangeException.ThrowIfNegative(rowOffset);
        FilePath = Path.GetFullPath(filePath);
        RowGroup = rowGroup;
        RowOffset = rowOffset;
    }

    /// <summary>Gets the full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the zero-based row group.</summary>
    public int RowGroup { get; }

    /// <summary>Gets the zero-based row within <see cref="RowGroup"/>.</summary>
    public long RowOffset { get; }

    /// <summary>Reads a position written by <see cref="ToString"/>.</summary>
    /// <param name="value">The compact form, <c>rowGroup:rowOffset:filePath</c>.</param>
    /// <returns>The position.</returns>
    /// <exception cref="FormatException"><paramref name="value"/> is not a position.</exception>
    public static ParquetReadPosition Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var position)
            ? position
            : throw new FormatException($"'{value}' is not a Parquet read position; expected 'rowGroup:rowOffset:filePath'.");
    }

    /// <summary>Tries to read a position written by <see cref="ToString"/>.</summary>
    /// <param name="value">The compact form, <c>rowGroup:rowOffset:filePath</c>.</param>
    /// <param name="position">The position, when the result is <see langword="true"/>.</param>
    /// <returns>Whether <paramref name="value"/> is a position.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ParquetReadPosition? position)
    {
        position = null;
        if (value is null)
        {
            return false;
        }

        var parts = value.Split(':', 3);
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rowGroup)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rowOffset)
            || string.IsNullOrWhiteSpace(parts[2]))
        {
            return false;
        }

        position = new ParquetReadPosition(parts[2], rowGroup, rowOffset);
        return true;
    }

    /// <summary>Returns the compact form, <c>rowGroup:rowOffset:filePath</c>, that <see cref="Parse(string)"/> reads.</summary>
    /// <returns>The compact form.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{RowGroup}:{RowOffset}:{FilePath}");
}
