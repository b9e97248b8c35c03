using CsCheck;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Tests.Rtl;

/// <summary>The binary form of a flattened module (the netlist cache's payload) gives back the same module, detail for detail.</summary>
public sealed class RtlBinaryTests
{
    private static RtlModule RoundTrip(RtlModule module)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) RtlBinary.Write(module, writer);
        bytes.Position = 0;
        using var reader = new BinaryReader(bytes);
        var read = RtlBinary.Read(reader);
        Assert.Equal(bytes.Length, bytes.Position);
        return read;
    }

    private static string Printed(RtlModule flat) => RtlPrinter.Print(new RtlDesign([flat], flat.Name));

    private static void AssertRoundTrips(RtlDesign design)
    {
        var flat = RtlFlattener.Flatten(design);
        var copy = RoundTrip(flat);
        Assert.Equal(Printed(flat), Printed(copy));
        Assert.Equal(flat.Memories.Select(m => (m.Style, m.ReadsNeverCollide)), copy.Memories.Select(m => (m.Style, m.ReadsNeverCollide)));
        Assert.Equal(flat.Memories.Select(m => m.Init is null), copy.Memories.Select(m => m.Init is null));
    }

    [Fact]
    public void Random_designs_flattened_round_trip() =>
        RandomRtl.Recipes.Sample(recipe => AssertRoundTrips(RandomRtl.Build(recipe.Child, recipe.Top)), iter: 200);

    [Fact]
    public void Every_op_at_every_width_round_trips() => AssertRoundTrips(RandomRtl.EveryOpAtEveryWidth());

    [Theory]
    [InlineData("Hardware/Golden/small-hbnn.rtl")]
    [InlineData("Hardware/Golden/small-bnn.rtl")]
    [InlineData("Rtl/Golden/rom_lookup.rtl")]
    [InlineData("Rtl/Golden/hierarchy.rtl")]
    public void Generated_designs_round_trip(string golden)
    {
        var path = Path.Combine(TestPaths.TestProject, golden);
        AssertRoundTrips(RtlParser.Parse(File.ReadAllText(path), path));
    }

    [Fact]
    public void A_truncated_form_is_an_error_not_a_smaller_design()
    {
        var flat = RtlFlattener.Flatten(RtlParser.Parse(File.ReadAllText(Path.Combine(TestPaths.TestProject, "Hardware/Golden/small-hbnn.rtl")), "small-hbnn.rtl"));
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) RtlBinary.Write(flat, writer);
        var cut = bytes.ToArray()[..(int)(bytes.Length * 2 / 3)];
        using var reader = new BinaryReader(new MemoryStream(cut));
        Assert.ThrowsAny<IOException>(() => RtlBinary.Read(reader));
    }
}
