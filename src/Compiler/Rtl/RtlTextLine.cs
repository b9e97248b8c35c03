using System.Globalization;
using System.Numerics;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Rtl;

/// <summary>One line of RTL text split into tokens, read left to right; every error names file, line and column.</summary>
internal sealed class RtlTextLine
{
    private readonly string _file;
    private readonly List<(string Text, int Column)> _tokens;
    private readonly int _endColumn;
    private int _next;

    private RtlTextLine(string file, int number, List<(string, int)> tokens, int endColumn)
    {
        _file = file;
        Number = number;
        _tokens = tokens;
        _endColumn = endColumn;
    }

    public int Number { get; }
    public bool AtEnd => _next >= _tokens.Count;
    public bool IsBlank => _tokens.Count == 0;
    public string? Peek(int ahead = 0) => _next + ahead < _tokens.Count ? _tokens[_next + ahead].Text : null;

    /// <summary>Tokens: words of letters, digits, '_' and '-', and the symbols ':', '=', ',' and '&lt;='. '#' starts a comment.</summary>
    public static RtlTextLine Split(string file, int number, string line)
    {
        var tokens = new List<(string, int)>();
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (c == '#') break;
            if (c is ' ' or '\t' or '\r') { i++; continue; }
            int start = i;
            if (IsWordChar(c))
            {
                while (i < line.Length && IsWordChar(line[i])) i++;
            }
            else if (c == '<' && i + 1 < line.Length && line[i + 1] == '=') i += 2;
            else if (c is ':' or '=' or ',') i++;
            else throw UserError.At(file, number, start + 1, $"unexpected character '{c}'");
            tokens.Add((line[start..i], start + 1));
        }
        return new RtlTextLine(file, number, tokens, line.TrimEnd().Length + 1);
    }

    public UserError Error(string message) => UserError.At(_file, Number, Column, message);

    /// <summary>Column of the next token, or just past the end of the line.</summary>
    public int Column => AtEnd ? _endColumn : _tokens[_next].Column;

    public string Word(string what)
    {
        if (AtEnd) throw Error($"expected {what}");
        return _tokens[_next++].Text;
    }

    public bool TryKeyword(string keyword)
    {
        if (Peek() != keyword) return false;
        _next++;
        return true;
    }

    public void Keyword(string keyword)
    {
        if (!TryKeyword(keyword)) throw Error(AtEnd ? $"expected '{keyword}'" : $"expected '{keyword}', found '{Peek()}'");
    }

    /// <summary>A legal identifier (whether it is reserved is the checker's business, so such designs can be read and rejected with a clear reason).</summary>
    public string Name(string what)
    {
        int column = Column;
        var word = Word(what);
        if (word.Length == 0 || !(char.IsAsciiLetter(word[0]) || word[0] == '_') || word.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            throw UserError.At(_file, Number, column, $"expected {what}, found '{word}'");
        return word;
    }

    public int Integer(string what, int minimum)
    {
        int column = Column;
        var word = Word(what);
        if (!int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw UserError.At(_file, Number, column, $"expected {what}, found '{word}'");
        return value;
    }

    /// <summary>A constant written 0x followed by hex digits.</summary>
    public BigInteger HexConstant(string what)
    {
        int column = Column;
        var word = Word(what);
        if (!word.StartsWith("0x", StringComparison.Ordinal) || !RtlTextSyntax.TryParseHex(word[2..], out var value))
            throw UserError.At(_file, Number, column, $"expected {what} written 0x..., found '{word}'");
        return value;
    }

    /// <summary>Hex digits without a prefix (memory init words).</summary>
    public BigInteger HexWord()
    {
        int column = Column;
        var word = Word("a hex word");
        if (!RtlTextSyntax.TryParseHex(word, out var value))
            throw UserError.At(_file, Number, column, $"expected a hex word, found '{word}'");
        return value;
    }

    public void End()
    {
        if (!AtEnd) throw Error($"unexpected '{Peek()}' at the end of the statement");
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
