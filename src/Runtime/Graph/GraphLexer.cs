using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.Graph;

internal enum TokenKind
{
    Value,
    Word,
    Number,
    String,
    Punct,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column);

/// <summary>Splits graph text into tokens, tracking line and column for error messages.</summary>
internal sealed class GraphLexer(string text, string file)
{
    private int _at;
    private int _line = 1;
    private int _column = 1;
    private Token? _peeked;

    public Token Peek() => _peeked ??= Read();

    public Token Next()
    {
        var token = Peek();
        _peeked = null;
        return token;
    }

    public Token Expect(TokenKind kind, string what)
    {
        var token = Next();
        if (token.Kind != kind)
            throw UserError.At(file, token.Line, token.Column, $"expected {what}, found {Describe(token)}");
        return token;
    }

    public void ExpectPunct(string punct)
    {
        var token = Next();
        if (token.Kind != TokenKind.Punct || token.Text != punct)
            throw UserError.At(file, token.Line, token.Column, $"expected '{punct}', found {Describe(token)}");
    }

    public void ExpectWord(string word)
    {
        var token = Next();
        if (token.Kind != TokenKind.Word || token.Text != word)
            throw UserError.At(file, token.Line, token.Column, $"expected '{word}', found {Describe(token)}");
    }

    public bool TryPunct(string punct)
    {
        var token = Peek();
        if (token.Kind != TokenKind.Punct || token.Text != punct) return false;
        _peeked = null;
        return true;
    }

    /// <summary>
    /// After a tensor value: reads further ", value" pairs straight from the text into
    /// <paramref name="values"/> from <paramref name="at"/> while they are plain decimal integers
    /// (no token or string per value: graph.ir is mostly such lists, and the golden side of every
    /// `hwflow sim` parses them). Stops before a comma whose value is anything else, or when
    /// <paramref name="values"/> is full, leaving that for the token path (and its errors).
    /// </summary>
    public int ReadMoreIntegers(long[] values, int at)
    {
        if (_peeked is not null) return at;
        while (at < values.Length)
        {
            int at0 = _at, line0 = _line, column0 = _column;
            SkipSpaceAndComments();
            if (_at >= text.Length || text[_at] != ',') return Restore(at0, line0, column0, at);
            Advance();
            SkipSpaceAndComments();
            int p = _at;
            bool negative = p < text.Length && text[p] == '-';
            if (negative) p++;
            int digits = p;
            long value = 0;
            while (p < text.Length && (uint)(text[p] - '0') <= 9 && p - digits < 18) value = (value * 10) + (text[p++] - '0');
            if (p == digits || (p < text.Length && (IsNameChar(text[p]) || text[p] is 'e' or 'E')))
                return Restore(at0, line0, column0, at); // no digits, too many, or more than an integer follows
            values[at++] = negative ? -value : value;
            _column += p - _at; // digits hold no line break
            _at = p;
        }
        return at;
    }

    private int Restore(int position, int line, int column, int count)
    {
        (_at, _line, _column) = (position, line, column);
        return count;
    }

    private static string Describe(Token token) => token.Kind == TokenKind.End ? "the end of the file" : $"'{token.Text}'";

    private Token Read()
    {
        SkipSpaceAndComments();
        int line = _line, column = _column;
        if (_at >= text.Length) return new Token(TokenKind.End, "", line, column);
        char c = text[_at];
        if (c == '%')
        {
            Advance();
            int start = _at;
            while (_at < text.Length && IsNameChar(text[_at])) Advance();
            if (_at == start) throw UserError.At(file, line, column, "expected a name after '%'");
            return new Token(TokenKind.Value, text[start.._at], line, column);
        }
        if (c == '"')
        {
            Advance();
            var value = new System.Text.StringBuilder();
            while (_at < text.Length && text[_at] != '"')
            {
                if (text[_at] == '\\' && _at + 1 < text.Length) Advance();
                value.Append(text[_at]);
                Advance();
            }
            if (_at >= text.Length) throw UserError.At(file, line, column, "unterminated string");
            Advance();
            return new Token(TokenKind.String, value.ToString(), line, column);
        }
        if (char.IsDigit(c) || (c == '-' && _at + 1 < text.Length && (char.IsDigit(text[_at + 1]) || text[_at + 1] == '.')))
        {
            int start = _at;
            Advance();
            while (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] is '.' or 'e' or 'E'
                || (text[_at] is '+' or '-' && text[_at - 1] is 'e' or 'E')))
                Advance();
            return new Token(TokenKind.Number, text[start.._at], line, column);
        }
        if (c == '-' && text.AsSpan(_at).StartsWith("-inf"))
        {
            for (int i = 0; i < 4; i++) Advance();
            return new Token(TokenKind.Word, "-inf", line, column);
        }
        if (char.IsLetter(c) || c == '_')
        {
            int start = _at;
            while (_at < text.Length && IsNameChar(text[_at])) Advance();
            return new Token(TokenKind.Word, text[start.._at], line, column);
        }
        if ("{}[](),=:".Contains(c))
        {
            Advance();
            return new Token(TokenKind.Punct, c.ToString(), line, column);
        }
        throw UserError.At(file, line, column, $"unexpected character '{c}'");
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-';

    private void SkipSpaceAndComments()
    {
        while (_at < text.Length)
        {
            if (char.IsWhiteSpace(text[_at])) Advance();
            else if (text[_at] == '#') while (_at < text.Length && text[_at] != '\n') Advance();
            else break;
        }
    }

    private void Advance()
    {
        if (text[_at] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        _at++;
    }
}
