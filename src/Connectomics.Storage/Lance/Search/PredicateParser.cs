using System.Globalization;
using System.Text;

namespace Connectomics.Storage.Lance.Search;

/// <summary>
/// Parses the predicates <see cref="VectorQuery.Where"/> accepts: conditions joined with <c>AND</c>, each
/// <c>column op literal</c> (op one of <c>= == != &lt;&gt; &lt; &lt;= &gt; &gt;=</c>; literal a single-quoted string with
/// <c>''</c> for a quote, a number, <c>true</c> or <c>false</c>) or <c>column IS [NOT] NULL</c>. A column name is an
/// identifier or is quoted with backticks or double quotes. Keywords are case-insensitive.
/// </summary>
internal sealed class PredicateParser
{
    private readonly string _text;
    private int _position;

    private PredicateParser(string text) => _text = text;

    /// <summary>Parses a predicate into its conditions.</summary>
    /// <exception cref="ArgumentException">The predicate is malformed; the message names the position (0-based).</exception>
    public static IReadOnlyList<ColumnCondition> Parse(string predicate)
    {
        var parser = new PredicateParser(predicate);
        var conditions = new List<ColumnCondition> { parser.ReadCondition() };
        while (parser.TryReadKeyword("AND"))
        {
            conditions.Add(parser.ReadCondition());
        }

        parser.SkipSpace();
        if (parser._position < predicate.Length)
        {
            throw parser.Error("expected AND or the end of the predicate");
        }

        return conditions;
    }

    private ColumnCondition ReadCondition()
    {
        var column = ReadColumn();
        if (TryReadKeyword("IS"))
        {
            var negated = TryReadKeyword("NOT");
            if (!TryReadKeyword("NULL"))
            {
                throw Error("expected NULL");
            }

            return new ColumnCondition(column, negated ? ComparisonOperator.IsNotNull : ComparisonOperator.IsNull, null);
        }

        var op = ReadOperator();
        return new ColumnCondition(column, op, ReadLiteral());
    }

    private string ReadColumn()
    {
        SkipSpace();
        if (_position < _text.Length && _text[_position] is '`' or '"')
        {
            var quote = _text[_position];
            var end = _text.IndexOf(quote, _position + 1);
            if (end < 0)
            {
                throw Error($"unterminated quoted column name (missing {quote})");
            }

            var name = _text[(_position + 1)..end];
            _position = end + 1;
            return name;
        }

        var identifier = ReadWord();
        return identifier.Length > 0 ? identifier : throw Error("expected a column name");
    }

    private ComparisonOperator ReadOperator()
    {
        SkipSpace();
        foreach (var (symbol, op) in Operators)
        {
            if (string.CompareOrdinal(_text, _position, symbol, 0, symbol.Length) == 0)
            {
                _position += symbol.Length;
                return op;
            }
        }

        throw Error("expected a comparison operator (=, !=, <>, <, <=, >, >=) or IS [NOT] NULL");
    }

    private object ReadLiteral()
    {
        SkipSpace();
        if (_position >= _text.Length)
        {
            throw Error("expected a value");
        }

        if (_text[_position] == '\'')
        {
            var value = new StringBuilder();
            var start = _position;
            _position++;
            while (true)
            {
                if (_position >= _text.Length)
                {
                    _position = start;
                    throw Error("unterminated string literal");
                }

                var c = _text[_position++];
                if (c != '\'')
                {
                    value.Append(c);
                }
                else if (_position < _text.Length && _text[_position] == '\'')
                {
                    value.Append('\'');
                    _position++;
                }
                else
                {
                    return value.ToString();
                }
            }
        }

        var numberStart = _position;
        if (_text[_position] is '-' or '+' or '.' || char.IsAsciiDigit(_text[_position]))
        {
            _position++;
            while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '.'
                || (_text[_position] is '-' or '+' && _text[_position - 1] is 'e' or 'E')))
            {
                _position++;
            }

            var token = _text[numberStart.._position];
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return integer;
            }

            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
            {
                return real;
            }

            _position = numberStart;
            throw Error($"'{token}' is not a number");
        }

        var wordStart = _position;
        var word = ReadWord();
        if (word.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (word.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        _position = wordStart;
        throw Error("expected a value: a quoted string, a number, true or false");
    }

    private bool TryReadKeyword(string keyword)
    {
        SkipSpace();
        var start = _position;
        if (ReadWord().Equals(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        _position = start;
        return false;
    }

    private string ReadWord()
    {
        var start = _position;
        if (_position < _text.Length && (char.IsLetter(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
            while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] == '_'))
            {
                _position++;
            }
        }

        return _text[start.._position];
    }

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private ArgumentException Error(string expectation)
    {
        var found = _position < _text.Length ? $"'{_text[_position]}'" : "the end";
        return new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"Cannot parse the predicate \"{_text}\" at position {_position}: {expectation}, found {found}."),
            "predicate");
    }

    private static readonly (string Symbol, ComparisonOperator Op)[] Operators =
    [
        ("==", ComparisonOperator.Equal),
        ("!=", ComparisonOperator.NotEqual),
        ("<>", ComparisonOperator.NotEqual),
        ("<=", ComparisonOperator.LessOrEqual),
        (">=", ComparisonOperator.GreaterOrEqual),
        ("=", ComparisonOperator.Equal),
        ("<", ComparisonOperator.Less),
        (">", ComparisonOperator.Greater),
    ];
}
