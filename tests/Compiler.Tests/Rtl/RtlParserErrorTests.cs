using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Tests.Rtl;

public sealed class RtlParserErrorTests
{
    private const string Head = "hwflow-rtl 1\ntop m\nmodule m\n  input clk : 1\n  input a : 4\n";

    [Theory]
    [InlineData("hwflow-rtl 2\ntop m\n", "x.rtl:1:1: expected the header 'hwflow-rtl 1'")]
    [InlineData("", "x.rtl:1:1: expected the header before the end of the file")]
    [InlineData("hwflow-rtl 1\nmodule m\n", "x.rtl:2:1: expected 'top', found 'module'")]
    [InlineData(Head + "  wire w : 0\nend\n", "x.rtl:6:12: expected a width (a positive integer), found '0'")]
    [InlineData(Head + "  wire w : 4;\nend\n", "x.rtl:6:13: unexpected character ';'")]
    [InlineData(Head + "  wire w 4\nend\n", "x.rtl:6:10: expected ':', found '4'")]
    [InlineData(Head + "  wire a : 4\nend\n", "x.rtl:6:8: signal a is declared twice in module m")]
    [InlineData(Head + "  wire w : 4\n  w = mul a, a\nend\n", "x.rtl:7:7: unknown cell operation 'mul'")]
    [InlineData(Head + "  wire w : 4\n  w = add a, b\nend\n", "x.rtl:7:14: unknown signal b in module m (declare it first with 'wire b : WIDTH')")]
    [InlineData(Head + "  wire w : 4\n  w = const 12\nend\n", "x.rtl:7:13: expected the constant's value written 0x..., found '12'")]
    [InlineData(Head + "  wire w : 4\n  w = add a a\nend\n", "x.rtl:7:13: expected ',', found 'a'")]
    [InlineData(Head + "  wire w : 4\n  w = slice a, 1, 2\nend\n", "x.rtl:7:17: unexpected ',' at the end of the statement")]
    [InlineData(Head + "  reg a <= a\nend\n", "x.rtl:6:13: expected 'init'")]
    [InlineData(Head + "  memory r : 4 x 2\n    read a addr clk\n    init 1 zz\n  end\nend\n", "x.rtl:8:12: expected a hex word, found 'zz'")]
    [InlineData(Head + "  memory r : 4 x 2\n    peek a\n  end\nend\n", "x.rtl:7:1: unknown memory statement 'peek' in memory r (expected read, write, init or end)")]
    [InlineData(Head + "  instance u of c\n    a = a\n    a = clk\n  end\nend\n", "x.rtl:8:5: port a of instance u is connected twice")]
    [InlineData(Head + "  assign a = a\nend\n", "x.rtl:6:1: unknown statement 'assign' in module m (expected input, output, wire, reg, memory, instance, NAME = OP ... or end)")]
    [InlineData(Head + "  wire 9w : 1\nend\n", "x.rtl:6:8: expected a signal name, found '9w'")]
    [InlineData(Head, "x.rtl:6:1: expected 'end' of module m before the end of the file")]
    public void SyntaxErrorsNameFileLineAndColumn(string text, string message)
    {
        var error = Assert.Throws<UserError>(() => RtlParser.Parse(text, "x.rtl"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AMissingFileIsAUserError()
    {
        using var temp = new TempFolder();
        var path = temp.File("none.rtl");
        Assert.Equal($"{path}: no such RTL file", Assert.Throws<UserError>(() => RtlParser.ReadFile(path)).Message);
    }

    [Fact]
    public void ReadFileReturnsACheckedDesign()
    {
        using var temp = new TempFolder();
        var path = temp.File("counter.rtl");
        RtlPrinter.WriteFile(RtlGoldenTests.Load("counter"), path);
        Assert.Equal("counter", RtlParser.ReadFile(path).Top);
    }
}
