using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Storage.Lance.Search;

/// <summary>
/// One condition of a <c>WHERE</c> predicate: a column compared with a literal (<see cref="string"/>, <see cref="long"/>,
/// <see cref="double"/> or <see cref="bool"/>), or tested for null. As in SQL, a comparison with a null value is not
/// true, so rows whose value is null never pass a comparison.
/// </summary>
/// <param name="Column">The column name.</param>
/// <param name="Operator">The test.</param>
/// <param name="Value">The literal; null for <see cref="ComparisonOperator.IsNull"/> and <see cref="ComparisonOperator.IsNotNull"/>.</param>
internal sealed record ColumnCondition(string Column, ComparisonOperator Operator, object? Value)
{
    /// <summary>Checks that the literal can be compared with a column of the given type.</summary>
    /// <exception cref="ArgumentException">The literal or the operator does not fit the column type.</exception>
    public void CheckType(IArrowType type)
    {
        if (Operator is ComparisonOperator.IsNull or ComparisonOperator.IsNotNull)
        {
            return;
        }

        var fits = (Value, type) switch
        {
            (string, StringType or LargeStringType) => true,
            (long or double, _) => IsNumeric(type),
            (bool, BooleanType) => Operator is ComparisonOperator.Equal or ComparisonOperator.NotEqual,
            _ => false,
        };
        if (!fits)
        {
            throw new ArgumentException(
                $"The condition {this} cannot be applied to column '{Column}' of type {type.Name}.", "predicate");
        }
    }

    /// <summary>Clears <paramref name="keep"/> for each row of <paramref name="column"/> that fails the condition.</summary>
    public void Apply(IArrowArray column, Span<bool> keep)
    {
        for (var r = 0; r < keep.Length; r++)
        {
            if (!keep[r])
            {
                continue;
            }

            var isNull = column.IsNull(r);
            keep[r] = Operator switch
            {
                ComparisonOperator.IsNull => isNull,
                ComparisonOperator.IsNotNull => !isNull,
                _ => !isNull && Test(Compare(column, r)),
            };
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Operator switch
    {
        ComparisonOperator.IsNull => $"{Column} IS NULL",
        ComparisonOperator.IsNotNull => $"{Column} IS NOT NULL",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Column} {Symbol(Operator)} {Literal(Value)}"),
    };

    private static string Symbol(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        _ => ">=",
    };

    private static string Literal(object? value) => value switch
    {
        string s => $"'{s.Replace("'", "''", StringComparison.Ordinal)}'",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => "NULL",
    };

    private static bool IsNumeric(IArrowType type) => type is Int8Type or Int16Type or Int32Type or Int64Type
        or UInt8Type or UInt16Type or UInt32Type or UInt64Type or HalfFloatType or FloatType or DoubleType;

    private bool Test(int comparison) => Operator switch
    {
        ComparisonOperator.Equal => comparison == 0,
        ComparisonOperator.NotEqual => comparison != 0,
        ComparisonOperator.Less => comparison < 0,
        ComparisonOperator.LessOrEqual => comparison <= 0,
        ComparisonOperator.Greater => comparison > 0,
        _ => comparison >= 0,
    };

    /// <summary>Compares the row's value with the literal; NaN compares unequal to everything, as in IEEE arithmetic.</summary>
    private int Compare(IArrowArray column, int row)
    {
        switch (column)
        {
            case StringArray s:
                return Math.Sign(string.CompareOrdinal(s.GetString(row), (string)Value!));
            case LargeStringArray s:
                return Math.Sign(string.CompareOrdinal(s.GetString(row), (string)Value!));
            case BooleanArray b:
                return b.GetValue(row) == (bool)Value! ? 0 : 1;
            case Int8Array a: return CompareInteger(a.GetValue(row)!.Value);
            case Int16Array a: return CompareInteger(a.GetValue(row)!.Value);
            case Int32Array a: return CompareInteger(a.GetValue(row)!.Value);
            case Int64Array a: return CompareInteger(a.GetValue(row)!.Value);
            case UInt8Array a: return CompareInteger(a.GetValue(row)!.Value);
            case UInt16Array a: return CompareInteger(a.GetValue(row)!.Value);
            case UInt32Array a: return CompareInteger(a.GetValue(row)!.Value);
            case UInt64Array a:
                var unsigned = a.GetValue(row)!.Value;
                return unsigned > long.MaxValue ? (Value is long ? 1 : CompareReal(unsigned)) : CompareInteger((long)unsigned);
            case HalfFloatArray a: return CompareReal((double)a.GetValue(row)!.Value);
            case FloatArray a: return CompareReal(a.GetValue(row)!.Value);
            case DoubleArray a: return CompareReal(a.GetValue(row)!.Value);
            default:
                throw new InvalidOperationException($"Column '{Column}' of type {column.Data.DataType.Name} cannot be compared.");
        }
    }

    private int CompareInteger(long value) => Value is long literal ? value.CompareTo(literal) : CompareReal(value);

    private int CompareReal(double value)
    {
        var literal = Convert.ToDouble(Value, CultureInfo.InvariantCulture);
        if (double.IsNaN(value) || double.IsNaN(literal))
        {
            // NaN is neither less, greater nor equal: only '!=' holds.
            return Operator == ComparisonOperator.NotEqual ? 1 : Operator switch
            {
                ComparisonOperator.Less or ComparisonOperator.LessOrEqual => 1,
                _ => -1,
            };
        }

        return value.CompareTo(literal);
    }
}
