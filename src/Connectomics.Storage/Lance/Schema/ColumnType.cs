using Apache.Arrow.Types;

namespace Connectomics.Storage.Lance.Schema;

/// <summary>The physical description of one top-level column.</summary>
/// <param name="ArrowType">The Arrow type.</param>
/// <param name="Kind">The page layout family.</param>
/// <param name="ByteWidth">Bytes per value (per item for fixed-size lists); 0 for booleans and variable width.</param>
/// <param name="Dimension">Items per list for fixed-size lists; 1 otherwise.</param>
/// <param name="LargeOffsets">Whether the Arrow array uses 64-bit offsets (LargeUtf8/LargeBinary).</param>
internal sealed record ColumnType(IArrowType ArrowType, ColumnKind Kind, int ByteWidth, int Dimension, bool LargeOffsets);
