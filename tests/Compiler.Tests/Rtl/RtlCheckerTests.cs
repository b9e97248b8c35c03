using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;

namespace HwFlow.Compiler.Tests.Rtl;

public sealed class RtlCheckerTests
{
    /// <summary>A module with operands of several widths; each case adds one statement to it.</summary>
    private const string Base = """
        hwflow-rtl 1
        top m
        module m
          input clk : 1
          input a : 4
          input b : 4
          input c : 3
          input s : 1
          input s2 : 2
          output x : 4
          output x1 : 1
          output x2 : 2
          output x3 : 3
        """;

    private static IReadOnlyList<string> Problems(string text) => RtlChecker.Check(RtlParser.Parse(text, "case.rtl"));

    private static IReadOnlyList<string> ProblemsOf(string statement) => Problems(Base + "\n" + statement + "\nend\n");

    [Theory]
    [InlineData("x = const 0x1f", "cell x (const): value 0x1f does not fit the output's 4 bits")]
    [InlineData("x = buf c", "cell x (buf): input c:3 must have the output's width (x:4)")]
    [InlineData("x = not c", "cell x (not): input c:3 must have the output's width (x:4)")]
    [InlineData("x = and a, c", "cell x (and): input c:3 must have the output's width (x:4)")]
    [InlineData("x = or c, a", "cell x (or): input c:3 must have the output's width (x:4)")]
    [InlineData("x = xor c, c", "cell x (xor): inputs c:3, c:3 must have the output's width (x:4)")]
    [InlineData("x = add a, c", "cell x (add): input c:3 must have the output's width (x:4)")]
    [InlineData("x = sub a, c", "cell x (sub): input c:3 must have the output's width (x:4)")]
    [InlineData("x1 = eq a, c", "cell x1 (eq): operands a:4 and c:3 differ in width")]
    [InlineData("x1 = ne a, c", "cell x1 (ne): operands a:4 and c:3 differ in width")]
    [InlineData("x = ltu a, b", "cell x (ltu): output x:4 must be 1 bit")]
    [InlineData("x1 = lts c, a", "cell x1 (lts): operands c:3 and a:4 differ in width")]
    [InlineData("x1 = leu a, c", "cell x1 (leu): operands a:4 and c:3 differ in width")]
    [InlineData("x2 = les a, b", "cell x2 (les): output x2:2 must be 1 bit")]
    [InlineData("x = mux s2, a, b", "cell x (mux): select s2:2 must be 1 bit")]
    [InlineData("x = mux s, a, c", "cell x (mux): input c:3 must have the output's width (x:4)")]
    [InlineData("x = concat a, c", "cell x (concat): parts a:4, c:3 add up to 7 bits, output x:4 has 4")]
    [InlineData("x = slice c, 1", "cell x (slice): bits [4:1] lie outside input c:3")]
    [InlineData("x3 = zext a", "cell x3 (zext): output x3:3 is narrower than input a:4")]
    [InlineData("x3 = sext a", "cell x3 (sext): output x3:3 is narrower than input a:4")]
    [InlineData("x = shl c, 1", "cell x (shl): input c:3 must have the output's width (x:4)")]
    [InlineData("x = shr c, 2", "cell x (shr): input c:3 must have the output's width (x:4)")]
    [InlineData("x = sar c, 3", "cell x (sar): input c:3 must have the output's width (x:4)")]
    [InlineData("x3 = shl a, s", "cell x3 (shl): output x3:3 must have the width of the shifted input a:4")]
    [InlineData("x3 = shr a, s2", "cell x3 (shr): output x3:3 must have the width of the shifted input a:4")]
    [InlineData("x = sar c, s", "cell x (sar): output x:4 must have the width of the shifted input c:3")]
    [InlineData("x2 = popcount a", "cell x2 (popcount): output x2:2 cannot hold a count up to 4 (needs 3 bits)")]
    [InlineData("x = reduce-or a", "cell x (reduce-or): output x:4 must be 1 bit")]
    [InlineData("x2 = reduce-and a", "cell x2 (reduce-and): output x2:2 must be 1 bit")]
    [InlineData("x = add a", "cell x (add): needs 2 inputs, has 1")]
    [InlineData("x = mux s, a", "cell x (mux): needs 3 inputs, has 2")]
    [InlineData("x = not a, b", "cell x (not): needs 1 input, has 2")]
    public void WidthAndArityMismatchesNameTheModuleAndCell(string statement, string message) =>
        Assert.Contains("module m: " + message, ProblemsOf(statement));

    [Fact]
    public void EveryCellKindHasAWidthCase()
    {
        var words = typeof(RtlCheckerTests).GetMethod(nameof(WidthAndArityMismatchesNameTheModuleAndCell))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(d => (string)d.GetData(null!).Single()[0]).Select(s => s.Split(' ')[2]).ToHashSet();
        foreach (var op in Enum.GetValues<RtlOp>()) Assert.Contains(RtlTextSyntax.Word(op), words);
    }

    [Fact]
    public void SignalsNeedExactlyOneDriver()
    {
        var problems = ProblemsOf("wire w : 4\nx = buf a\nx = not b\na = buf b\nx1 = buf s\nx2 = buf s2\nx3 = buf c");
        Assert.Contains("module m: signal w:4 has no driver", problems);
        Assert.Contains("module m: signal x:4 has 2 drivers: cell x (buf), cell x (not)", problems);
        Assert.Contains("module m: signal a:4 has 2 drivers: the input port itself, cell a (buf)", problems);
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void LoopsAreReportedAsAChainOfSignals()
    {
        var problems = ProblemsOf("wire p : 4\nwire q : 4\np = add a, q\nq = not p\nx = buf q\nx1 = buf s\nx2 = buf s2\nx3 = buf c");
        Assert.Equal(["module m: combinational loop: p -> q [not] -> p [add]"], problems);
    }

    [Fact]
    public void ASelfLoopIsALoop() =>
        Assert.Contains("module m: combinational loop: x -> x [xor]", ProblemsOf("x = xor x, a"));

    private const string Pass = """
        hwflow-rtl 1
        top top
        module pass
          input clk : 1
          input a : 4
          output y : 4
          output r : 4
          wire r_0 : 4
          y = buf a
          r = buf r_0
          reg r_0 <= a init 0x0
        end
        """;

    [Fact]
    public void LoopsThroughAnInstanceFollowTheChildsCombinationalPaths()
    {
        var problems = Problems(Pass + """

            module top
              input clk : 1
              output o : 4
              wire w : 4
              wire u0_y : 4
              wire u0_r : 4
              w = not u0_y
              o = buf w
              instance u0 of pass
                clk = clk
                a = w
                y = u0_y
                r = u0_r
              end
            end
            """);
        Assert.Equal(["module top: combinational loop: w -> u0_y [instance u0 of pass, a -> y] -> w [not]"], problems);
    }

    [Fact]
    public void APathThroughAChildRegisterIsNoLoop()
    {
        var problems = Problems(Pass + """

            module top
              input clk : 1
              output o : 4
              wire w : 4
              wire u0_y : 4
              wire u0_r : 4
              w = not u0_r
              o = buf u0_y
              instance u0 of pass
                clk = clk
                a = w
                y = u0_y
                r = u0_r
              end
            end
            """);
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("    clk = clk\n    y = u0_y\n    r = u0_r", "instance u0 of pass: port a is not connected")]
    [InlineData("    clk = clk\n    a = w\n    y = u0_y\n    r = u0_r\n    zz = w", "instance u0 of pass: pass has no port zz")]
    [InlineData("    clk = clk\n    a = c\n    y = u0_y\n    r = u0_r", "instance u0 of pass: port a:4 is connected to c:3")]
    public void InstancePortsAreChecked(string connections, string message)
    {
        var problems = Problems(Pass + $"""

            module top
              input clk : 1
              input c : 3
              output o : 4
              wire w : 4
              wire u0_y : 4
              wire u0_r : 4
              w = not u0_r
              o = buf u0_y
              instance u0 of pass
            {connections}
              end
            end
            """);
        Assert.Contains("module top: " + message, problems);
    }

    [Fact]
    public void AnInstanceOutputCountsAsADriver()
    {
        var problems = Problems(Pass + """

            module top
              input clk : 1
              input c : 4
              wire u0_r : 4
              instance u0 of pass
                clk = clk
                a = c
                y = c
                r = u0_r
              end
            end
            """);
        Assert.Equal(["module top: signal c:4 has 2 drivers: the input port itself, instance u0 of pass port y",
            "module top: combinational loop: c -> c [instance u0 of pass, a -> y]"], problems);
    }

    [Fact]
    public void ChildrenMustBeDefinedFirst()
    {
        var text = "hwflow-rtl 1\ntop top\nmodule top\n  input clk : 1\n  instance u0 of later\n    clk = clk\n  end\n  instance u1 of nothing\n  end\nend\n"
            + "module later\n  input clk : 1\nend\n";
        var problems = Problems(text);
        Assert.Contains("module top: instance u0 of later: no module later is defined before top (children come first)", problems);
        Assert.Contains("module top: instance u1 of nothing: no module nothing is defined before top (children come first)", problems);
    }

    [Fact]
    public void ProblemsInsideAChildNameItsPlaceInTheHierarchy()
    {
        var text = "hwflow-rtl 1\ntop top\nmodule leaf\n  input clk : 1\n  output y : 2\nend\n"
            + "module top\n  input clk : 1\n  wire y : 2\n  instance core of leaf\n    clk = clk\n    y = y\n  end\nend\n";
        Assert.Equal(["module leaf (top.core): signal y:2 has no driver"], Problems(text));
    }

    private const string MemoryCase = "x = buf a\nx1 = buf s\nx2 = buf s2\nx3 = buf c\nwire q : 8\nwire q2 : 8\nwire addr : 4\naddr = buf a\n";

    [Theory]
    [InlineData("memory rom : 8 x 16\n  read q addr c\nend", "memory rom (8 x 16): read address c:3 must be 4 bits (ceil(log2 16), at least 1)")]
    [InlineData("memory rom : 8 x 5\n  read q addr addr\nend", "memory rom (8 x 5): read address addr:4 must be 3 bits (ceil(log2 5), at least 1)")]
    [InlineData("memory rom : 8 x 16\n  read q addr addr\n  init 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e\nend", "memory rom (8 x 16): init has 15 words, expected 16 (the depth)")]
    [InlineData("memory rom : 8 x 2\n  read q addr s\n  init 00 1ff\nend", "memory rom (8 x 2): init word 1 (0x1ff) does not fit 8 bits")]
    [InlineData("memory rom : 8 x 2\n  read q addr s enable s2\nend", "memory rom (8 x 2): read enable s2:2 must be 1 bit")]
    [InlineData("memory rom : 8 x 2\n  read q addr s\n  read q2 addr s\n  write addr s data q2 enable s\n  write addr s data q enable s\nend", "memory rom (8 x 2): has 2 write ports, at most 1 is supported")]
    [InlineData("memory ram : 8 x 4\n  read q addr s2\n  write addr c data q enable s\nend", "memory ram (8 x 4): write address c:3 must be 2 bits (ceil(log2 4), at least 1)")]
    [InlineData("memory rom : 8 x 4\nend\nq = buf q2\nq2 = buf q", "memory rom (8 x 4): has no read port")]
    [InlineData("memory rom : 4 x 4\n  read q addr s2\nend", "memory rom (4 x 4): read data q:8 must be 4 bits")]
    public void MemoriesAreChecked(string memory, string message) =>
        Assert.Contains("module m: " + message, ProblemsOf(MemoryCase + memory));

    [Theory]
    [InlineData("reg r <= c init 0x0", "register r: next value c:3 differs in width from r:4")]
    [InlineData("reg r <= a enable s2 init 0x0", "register r: enable s2:2 must be 1 bit")]
    [InlineData("reg r <= a reset s2 to 0x0", "register r: reset s2:2 must be 1 bit")]
    [InlineData("reg r <= a init 0x10", "register r: power-on value 0x10 does not fit 4 bits")]
    [InlineData("reg r <= a reset s to 0x1f", "register r: reset value 0x1f does not fit 4 bits")]
    public void RegistersAreChecked(string register, string message) =>
        Assert.Contains("module m: " + message, ProblemsOf("wire r : 4\nx = buf r\n" + register));

    [Theory]
    [InlineData("wire reg : 1", "wire 'reg' is a Verilog keyword")]
    [InlineData("wire logic : 1", "wire 'logic' is a SystemVerilog keyword (Verilator reads .v files as SystemVerilog)")]
    [InlineData("wire template : 1", "wire 'template' is a C++ reserved word (Verilator rejects it as a signal name)")]
    [InlineData("wire a2 : 1\nmemory a2 : 1 x 1\n  read a2 addr s\nend", "the name a2 is used twice")]
    public void NamesMustBeLegalInVerilogAndCpp(string statement, string message) =>
        Assert.Contains("module m: " + message, ProblemsOf(statement));

    [Fact]
    public void DesignLevelRulesAreChecked()
    {
        var problems = Problems("hwflow-rtl 1\ntop nope\nmodule always\n  input clk : 1\nend\nmodule noclock\n  input clock : 1\nend\nmodule Noclock\n  input clk : 1\nend\n");
        Assert.Contains("module always: 'always' is a Verilog keyword", problems);
        Assert.Contains("module noclock: needs a 1-bit input port clk", problems);
        Assert.Contains("module Noclock: its file name would clash with module noclock", problems);
        Assert.Contains("the top module nope is not in the design", problems);
    }

    [Fact]
    public void EnsureThrowsWithEveryProblem()
    {
        var design = RtlParser.Parse(Base + "\nend\n", "case.rtl");
        var error = Assert.Throws<RtlCheckException>(() => RtlChecker.Ensure(design));
        Assert.Equal(4, error.Problems.Count);
        Assert.Contains("module m: signal x:4 has no driver", error.Message);
        Assert.Throws<RtlCheckException>(() => VerilogEmitter.Emit(design));
    }

    [Fact]
    public void ReadingAFileThatFailsTheCheckIsAUserErrorNamingTheFile()
    {
        using var temp = new TempFolder();
        var path = temp.File("bad.rtl");
        File.WriteAllText(path, Base + "\nx = buf c\nend\n");
        var error = Assert.Throws<UserError>(() => RtlParser.ReadFile(path));
        Assert.StartsWith($"{path}: module m: cell x (buf): input c:3 must have the output's width (x:4) (and 3 more problems)", error.Message);
    }

    [Fact]
    public void WellFormedGoldensPass()
    {
        foreach (var name in RtlGoldenTests.CaseNames()) Assert.Empty(RtlChecker.Check(RtlGoldenTests.Load(name)));
    }
}
