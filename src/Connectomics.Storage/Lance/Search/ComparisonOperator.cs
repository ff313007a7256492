namespace Connectomics.Storage.Lance.Search;

/// <summary>The test one <see cref="ColumnCondition"/> applies to a column value.</summary>
internal enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    IsNull,
    IsNotNull,
}
