using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Tests.Graph;

public sealed class GraphTextTests
{
    private const string Sample = """
        graph "sample" {
          %x = input {scale=0.5} : u8[3] in [0, 255] scale 0.5
          %d = dense %x {weights=i64[3,2]{1, -1, 2, 0, -3, 4}, bias=i64[2]{7, -7}} : s12[2] in [-772, 1538] scale 0.5
          %b = threshold %d {t=i64[2]{0, 5}, dir=i64[2]{1, -1}} : bits.pm[2]
          %out = output %b {kind=scores} : bits.pm[2]
        }

        """;

    [Fact]
    public void PrintParsePrintIsIdentical()
    {
        var graph = GraphParser.Parse(Sample);
        var printed = GraphPrinter.Print(graph);
        Assert.Equal(Sample.Replace("\r", ""), printed);
        Assert.Equal(printed, GraphPrinter.Print(GraphParser.Parse(printed)));
    }

    [Fact]
    public void LongTensorsWrapAndStillRoundTrip()
    {
        var data = Enumerable.Range(0, 40).Select(i => (double)i / 3).ToArray();
        var node = new Node("w", Ops.Input, [], GraphType.Real(40), ("v", new RealTensorAttr([40], data)), ("e", new RealAttr(1e-300)), ("z", new RealAttr(-0.0)));
        var graph = new Runtime.Graph.Graph("wrap", [node, new Node("out", Ops.Output, ["w"], GraphType.Real(40), ("kind", new SymbolAttr("scores")))]);
        var text = GraphPrinter.Print(graph);
        Assert.Contains("\n      ", text);
        var back = GraphParser.Parse(text);
        Assert.Equal(data, back["w"].RealTensor("v").Data);
        Assert.Equal(1e-300, back["w"].Real("e"));
        Assert.Equal(text, GraphPrinter.Print(back));
    }

    [Theory]
    [InlineData("graph \"g\" {\n  %x = input : u8[2] in [0, 255] scale 1.0\n  %out = output %y : u8[2] in [0, 255] scale 1.0\n}", "3:", "uses %y, which is not defined before it")]
    [InlineData("graph \"g\" {\n  %x = input : u9[2] in [0, 255] scale 1.0\n  %out = output %x : u8[2] in [0, 255] scale 1.0\n}", "2:", "type says u9 but the range [0, 255] needs u8")]
    [InlineData("graph \"g\" {\n  %x = input {w=i64[2]{1}} : u8[2] in [0, 255] scale 1.0\n  %out = output %x : u8[2] in [0, 255] scale 1.0\n}", "2:", "needs 2 values, found 1")]
    [InlineData("graph \"g\" {\n  %x = input : u8[2] in [0, 255] scale 1.0\n}", "", "must end with an output node")]
    [InlineData("graph \"g\" {\n  %x = input : float[2]\n}", "2:", "unknown type 'float'")]
    [InlineData("graph \"g\" {\n  %x = input {a=1, a=2} : real[2]\n}", "2:", "attribute 'a' appears twice")]
    [InlineData("graph \"g\" {\n  %x = input : real[2] $\n}", "2:", "unexpected character '$'")]
    public void ParseErrorsNameLineAndColumn(string text, string line, string message)
    {
        var e = Assert.Throws<UserError>(() => GraphParser.Parse(text, "g.ir"));
        Assert.StartsWith("g.ir:" + line, e.Message);
        Assert.Contains(message, e.Message);
    }

    private static string WithWeights(string values) =>
        $"graph \"g\" {{\n  %x = input {{w=i64[6]{{{values}}}}} : u8[2] in [0, 255] scale 1.0\n  %out = output %x : u8[2] in [0, 255] scale 1.0\n}}";

    [Theory]
    [InlineData("1, -2, 30,\n   # a comment\n  -400 ,5,  -0", new long[] { 1, -2, 30, -400, 5, 0 })]
    [InlineData("9223372036854775807, -9223372036854775808, 123456789012345678, -999999999999999999, 0007, 1", new long[] { long.MaxValue, long.MinValue, 123456789012345678, -999999999999999999, 7, 1 })]
    public void Integer_tensors_read_every_spelling_of_an_integer(string values, long[] expected)
    {
        Assert.Equal(expected, GraphParser.Parse(WithWeights(values))["x"].IntTensor("w").Data);
    }

    [Theory]
    [InlineData("1, 2,\n 3, 4.5, 5, 6", "3:5", "expected an integer, found '4.5'")]
    [InlineData("1, 2, 3, 4, 5, 6, 7", "2:", "more than the 6 values")]
    [InlineData("1, 2, 3, 4, 5", "2:", "needs 6 values, found 5")]
    [InlineData("1, 2, 3,\n   4x, 5, 6", "3:5", "expected '}', found 'x'")]
    [InlineData("1, 2, 3, 4, 5, 99999999999999999999", "2:", "expected an integer, found '99999999999999999999'")]
    public void Integer_tensor_errors_name_line_and_column(string values, string where, string message)
    {
        var e = Assert.Throws<UserError>(() => GraphParser.Parse(WithWeights(values), "g.ir"));
        Assert.StartsWith("g.ir:" + where, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void WidthsFollowTheRange()
    {
        Assert.Equal(8, GraphType.Int(1, 0, 255).Width);
        Assert.Equal(9, GraphType.Int(1, -1, 255).Width);
        Assert.Equal(1, GraphType.Int(1, -1, 0).Width);
        Assert.Equal(8, GraphType.Int(1, -128, 127).Width);
        Assert.Equal(9, GraphType.Int(1, -129, 127).Width);
        Assert.Equal(9, GraphType.Int(1, -128, 128).Width);
        Assert.Equal(1, GraphType.Int(1, 0, 0).Width);
        Assert.Equal(63, GraphType.Int(1, long.MinValue / 2, long.MaxValue / 2).Width);
    }
}
