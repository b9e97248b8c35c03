using System.Numerics;
using CsCheck;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Tests.Rtl;

public sealed class RtlRoundTripTests
{
    [Fact]
    public void RandomDesignsAreWellFormedAndRoundTrip() =>
        RandomRtl.Recipes.Sample(recipe =>
        {
            var design = RandomRtl.Build(recipe.Child, recipe.Top);
            Assert.Empty(RtlChecker.Check(design));
            var text = RtlPrinter.Print(design);
            var parsed = RtlParser.Parse(text, "random.rtl");
            Assert.Empty(RtlChecker.Check(parsed));
            Assert.Equal(text, RtlPrinter.Print(parsed));
        }, iter: 300, print: r => $"child {string.Join(' ', r.Child.AsEnumerable())} top {string.Join(' ', r.Top.AsEnumerable())}");

    [Fact]
    public void EveryOpAtEveryWidthRoundTrips()
    {
        var design = RandomRtl.EveryOpAtEveryWidth();
        Assert.Empty(RtlChecker.Check(design));
        var top = design.TopModule;
        foreach (var op in Enum.GetValues<RtlOp>())
            foreach (int width in RandomRtl.Widths)
                Assert.Contains(top.Cells, c => c.Op == op && c.Inputs.Concat([c.Output]).Any(s => s.Width == width));
        var text = RtlPrinter.Print(design);
        Assert.Equal(text, RtlPrinter.Print(RtlParser.Parse(text, "all.rtl")));
    }

    [Fact]
    public void ParsedDesignKeepsEveryDetail()
    {
        var b = new ModuleBuilder("m");
        var a = b.Input("a", 127);
        var wide = b.Const((BigInteger.One << 126) + 5, 127);
        var rom = b.Rom("rom", 65, [BigInteger.One << 64, 3, 0], b.Slice(a, 0, 2));
        var r = b.Register("r", 127, resetValue: 9, useReset: false);
        b.Next(r, b.Add(a, wide), b.Bit(a, 3));
        var o = b.Output("o", 65);
        b.Assign(o, b.Xor(rom, b.Slice(r, 62, 65)));
        var design = new RtlDesign([b.Build()], "m");

        var m = RtlParser.Parse(RtlPrinter.Print(design), "m.rtl").TopModule;
        Assert.Equal((BigInteger.One << 126) + 5, m.Cells.Single(c => c.Op == RtlOp.Const).Value);
        Assert.Equal([BigInteger.One << 64, 3, 0], m.Memories.Single().Init!);
        Assert.Equal(3, m.Memories.Single().Depth);
        var register = m.Registers.Single();
        Assert.Null(register.Reset);
        Assert.Equal(9, register.ResetValue);
        Assert.Equal("slice_1", register.Enable!.Name);
        Assert.Equal(62, m.Cells.Single(c => c.Op == RtlOp.Slice && c.Output.Width == 65).Amount);
        Assert.Same(m.Port("a"), m.Cells.First(c => c.Op == RtlOp.Slice).Inputs[0]);
    }

    [Fact]
    public void BuilderCounterPrintsLikeTheGolden()
    {
        var b = new ModuleBuilder("counter");
        var en = b.Input("en", 1);
        var count = b.Output("count", 8);
        var wrap = b.Output("wrap", 1);
        var q = b.Register("count", 8);
        var next = b.Add(q, b.Const(1, 8));
        var atTop = b.Compare(RtlOp.Eq, q, b.Const(255, 8));
        var wraps = b.And(atTop, en);
        b.Assign(count, q);
        b.Assign(wrap, wraps);
        b.Next(q, next, en);
        var design = new RtlDesign([b.Build()], "counter");
        Assert.Equal(File.ReadAllText(Path.Combine(RtlGoldenTests.Folder(), "counter.expect")), RtlPrinter.Print(design));
    }

    [Fact]
    public void CommentsBlankLinesAndLayoutDoNotMatter()
    {
        var canonical = RtlPrinter.Print(RtlGoldenTests.Load("counter"));
        var loose = "\n# leading comment\n" + canonical.Replace("\n  ", "\n\t\t").Replace("\n", "   # note\n\n").Replace(" : ", ":");
        Assert.Equal(canonical, RtlPrinter.Print(RtlParser.Parse(loose, "loose.rtl")));
    }
}
