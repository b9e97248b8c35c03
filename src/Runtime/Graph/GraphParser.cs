using System.Globalization;
using HwFlow.Runtime.Errors;

namespace HwFlow.Runtime.Graph;

/// <summary>
/// Parses the canonical text form. Grammar (whitespace and '#' comments are free):
/// <code>
/// graph   := 'graph' STRING '{' node* '}'
/// node    := '%' NAME '=' OP [ '%' NAME (',' '%' NAME)* ] [ '{' attr (',' attr)* '}' ] ':' type
/// attr    := KEY '=' ( INT | REAL | 'true' | 'false' | SYMBOL | tensor )
/// tensor  := ('i64' | 'f64') '[' INT (',' INT)* ']' '{' [ number (',' number)* ] '}'
/// type    := 'real[' N ']' | 'bits.01[' N ']' | 'bits.pm[' N ']'
///          | ('u'|'s') WIDTH '[' N ']' 'in' '[' MIN ',' MAX ']' 'scale' REAL
/// </code>
/// Errors are <see cref="UserError"/>s at file:line:column.
/// </summary>
public sealed class GraphParser
{
    private readonly GraphLexer _lexer;
    private readonly string _file;

    private GraphParser(string text, string file)
    {
        _file = file;
        _lexer = new GraphLexer(text, file);
    }

    public static Graph Parse(string text, string file = "<graph>") => new GraphParser(text, file).ParseGraph();

    public static Graph Load(string path)
    {
        try
        {
            return Parse(HwFlow.Runtime.IO.InputFile.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UserError.In(path, $"cannot read the graph ({e.Message})");
        }
    }

    private Graph ParseGraph()
    {
        _lexer.ExpectWord("graph");
        var name = _lexer.Expect(TokenKind.String, "the graph's name in quotes").Text;
        _lexer.ExpectPunct("{");
        var nodes = new List<Node>();
        var defined = new HashSet<string>();
        while (!_lexer.TryPunct("}"))
        {
            var start = _lexer.Peek();
            var node = ParseNode();
            foreach (var operand in node.Operands)
            {
                if (!defined.Contains(operand)) throw At(start, $"%{node.Name} uses %{operand}, which is not defined before it");
            }
            if (!defined.Add(node.Name)) throw At(start, $"%{node.Name} is defined twice");
            nodes.Add(node);
        }
        _lexer.Expect(TokenKind.End, "the end of the file after '}'");
        if (nodes.Count == 0 || nodes[^1].Op != Ops.Output)
            throw UserError.In(_file, "the graph must end with an output node");
        return new Graph(name, nodes);
    }

    private Node ParseNode()
    {
        var name = _lexer.Expect(TokenKind.Value, "a value name such as %x").Text;
        _lexer.ExpectPunct("=");
        var op = _lexer.Expect(TokenKind.Word, "an op name").Text;
        var operands = new List<string>();
        if (_lexer.Peek().Kind == TokenKind.Value)
        {
            do operands.Add(_lexer.Expect(TokenKind.Value, "an operand such as %x").Text);
            while (_lexer.TryPunct(","));
        }
        var attrs = new List<KeyValuePair<string, Attr>>();
        if (_lexer.TryPunct("{"))
        {
            do
            {
                var keyToken = _lexer.Expect(TokenKind.Word, "an attribute name");
                if (attrs.Any(a => a.Key == keyToken.Text)) throw At(keyToken, $"attribute '{keyToken.Text}' appears twice");
                _lexer.ExpectPunct("=");
                attrs.Add(KeyValuePair.Create(keyToken.Text, ParseAttr()));
            }
            while (_lexer.TryPunct(","));
            _lexer.ExpectPunct("}");
        }
        _lexer.ExpectPunct(":");
        return new Node(name, op, operands, attrs, ParseType());
    }

    private Attr ParseAttr()
    {
        var token = _lexer.Next();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return IsReal(token.Text) ? new RealAttr(ParseReal(token)) : new IntAttr(ParseLong(token));
            case TokenKind.Word when token.Text is "true" or "false":
                return new BoolAttr(token.Text == "true");
            case TokenKind.Word when token.Text is "nan" or "inf" or "-inf":
                return new RealAttr(ParseReal(token));
            case TokenKind.Word when token.Text is "i64" or "f64" && _lexer.Peek().Text == "[":
                return ParseTensor(token);
            case TokenKind.Word:
                return new SymbolAttr(token.Text);
            default:
                throw At(token, $"expected an attribute value, found '{token.Text}'");
        }
    }

    private Attr ParseTensor(Token kind)
    {
        _lexer.ExpectPunct("[");
        var shape = new List<int>();
        do shape.Add(checked((int)ParseLong(_lexer.Expect(TokenKind.Number, "a dimension"))));
        while (_lexer.TryPunct(","));
        _lexer.ExpectPunct("]");
        _lexer.ExpectPunct("{");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var ints = kind.Text == "i64" ? new long[count] : null;
        var reals = kind.Text == "f64" ? new double[count] : null;
        long at = 0;
        if (!_lexer.TryPunct("}"))
        {
            do
            {
                var number = _lexer.Next();
                if (at >= count) throw At(number, $"more than the {count} values the shape [{string.Join(",", shape)}] holds");
                if (ints is not null)
                {
                    ints[at++] = ParseLong(number);
                    at = _lexer.ReadMoreIntegers(ints, (int)at);
                }
                else reals![at++] = ParseReal(number);
            }
            while (_lexer.TryPunct(","));
            _lexer.ExpectPunct("}");
        }
        if (at != count) throw At(kind, $"tensor of shape [{string.Join(",", shape)}] needs {count} values, found {at}");
        return ints is not null ? new IntTensorAttr([.. shape], ints) : new RealTensorAttr([.. shape], reals!);
    }

    private GraphType ParseType()
    {
        var head = _lexer.Expect(TokenKind.Word, "a type such as real[4], u8[784] or bits.01[16]");
        _lexer.ExpectPunct("[");
        int length = checked((int)ParseLong(_lexer.Expect(TokenKind.Number, "the vector length")));
        _lexer.ExpectPunct("]");
        switch (head.Text)
        {
            case "real": return GraphType.Real(length);
            case "bits.01": return GraphType.Bits(length, BitEncoding.ZeroOne);
            case "bits.pm": return GraphType.Bits(length, BitEncoding.PlusMinus);
        }
        if (head.Text.Length < 2 || head.Text[0] is not ('u' or 's') || !int.TryParse(head.Text.AsSpan(1), CultureInfo.InvariantCulture, out var width))
            throw At(head, $"unknown type '{head.Text}' (expected real, bits.01, bits.pm, uN or sN)");
        _lexer.ExpectWord("in");
        _lexer.ExpectPunct("[");
        long min = ParseLong(_lexer.Expect(TokenKind.Number, "the range's minimum"));
        _lexer.ExpectPunct(",");
        long max = ParseLong(_lexer.Expect(TokenKind.Number, "the range's maximum"));
        _lexer.ExpectPunct("]");
        _lexer.ExpectWord("scale");
        double scale = ParseReal(_lexer.Next());
        if (min > max) throw At(head, $"empty range [{min}, {max}]");
        var type = GraphType.Int(length, min, max, scale);
        if (type.Width != width || (head.Text[0] == 's') != type.Signed)
            throw At(head, $"type says {head.Text} but the range [{min}, {max}] needs {(type.Signed ? 's' : 'u')}{type.Width}");
        return type;
    }

    private static bool IsReal(string text) => text.Contains('.') || text.Contains('e') || text.Contains('E');

    private long ParseLong(Token token) =>
        long.TryParse(token.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw At(token, $"expected an integer, found '{token.Text}'");

    private double ParseReal(Token token) => token.Text switch
    {
        "nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw At(token, $"expected a number, found '{token.Text}'"),
    };

    private UserError At(Token token, string message) => UserError.At(_file, token.Line, token.Column, message);
}
