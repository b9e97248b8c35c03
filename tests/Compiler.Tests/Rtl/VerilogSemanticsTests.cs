using System.Diagnostics;
using System.Numerics;
using System.Text;
using HwFlow.Compiler.Rtl;
using HwFlow.Sim.Tools;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Tests.Rtl;

/// <summary>
/// Simulates the emitted Verilog of every cell kind at widths 1, 7, 33, 65, 127 in Icarus and
/// compares each cell's value with <see cref="RtlCellReference"/>, so a wrong sign extension,
/// shift or comparison in the emitter shows up here and not first in co-simulation.
/// </summary>
public sealed class VerilogSemanticsTests
{
    private const int Vectors = 24;

    [Fact]
    public void EveryCellComputesWhatTheIrSays()
    {
        var module = EveryCell();
        var random = new SplitMix64(2024);
        var vectors = Enumerable.Range(0, Vectors).Select(j => module.Inputs.ToDictionary(p => p, p => Stimulus(p.Width, j, random))).ToList();

        using var temp = new TempFolder();
        HdlTools.EmitInto(new RtlDesign([module], module.Name), temp.Path);
        File.WriteAllText(temp.File("tb.v"), Testbench(module, vectors));
        var output = Simulate(temp.Path);

        var mismatches = new List<string>();
        int compared = 0;
        for (int j = 0; j < Vectors; j++)
        {
            var expected = RtlCellReference.Evaluate(module, vectors[j]);
            foreach (var cell in module.Cells)
            {
                string key = $"{j} {cell.Output.Name}";
                if (!output.TryGetValue(key, out var text)) { mismatches.Add($"{key}: not printed"); continue; }
                compared++;
                if (!RtlTextSyntax.TryParseHex(text, out var actual) || actual != expected[cell.Output])
                    mismatches.Add($"vector {j}: {cell.Output.Name} = {RtlTextSyntax.Word(cell.Op)}({string.Join(", ", cell.Inputs.Select(i => $"{i.Name}=0x{RtlTextSyntax.Hex(vectors[j].GetValueOrDefault(i, expected.GetValueOrDefault(i)), i.Width)}"))}): Verilog {text}, IR 0x{RtlTextSyntax.Hex(expected[cell.Output], cell.Output.Width)}");
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} values differ:\n" + string.Join("\n", mismatches.Take(20)));
        Assert.True(compared > 3000, $"only {compared} values compared");
    }

    /// <summary>Every cell kind at every width, on input ports only, with the shift amounts that matter (0, inside, at and beyond the width).</summary>
    private static RtlModule EveryCell()
    {
        var b = new ModuleBuilder("every_cell", withReset: false);
        var s = b.Input("s", 1);
        RtlSignal[] amounts = [b.Input("n3", 3), b.Input("n8", 8), b.Input("n40", 40)];
        var random = new SplitMix64(99);
        var last = s;
        foreach (int w in RandomRtl.Widths)
        {
            var a = b.Input($"a{w}", w);
            var c = b.Input($"b{w}", w);
            b.Const(Stimulus(w, 5, random), w);
            var copy = b.Fresh("copy", w);
            b.Assign(copy, a);
            b.Not(a); b.And(a, c); b.Or(a, c); b.Xor(a, c); b.Add(a, c); b.Sub(a, c);
            foreach (var op in new[] { RtlOp.Eq, RtlOp.Ne, RtlOp.LtU, RtlOp.LtS, RtlOp.LeU, RtlOp.LeS })
            {
                b.Compare(op, a, c);
                b.Compare(op, c, a);
            }
            b.Mux(s, a, c);
            var zero = b.Const(0, w);
            b.Mux(s, a, zero); // written as masks (VerilogExpressions.Mux)
            b.Mux(s, zero, c);
            b.Concat(a, c, s);
            foreach (int low in new[] { 0, w / 2, w - 1 }.Distinct()) b.Slice(b.Concat(a, c), low, Math.Max(1, w - low));
            b.ZeroExtend(a, w + 5);
            b.SignExtend(a, w + 5);
            b.SignExtend(a, w + 70);
            foreach (int k in new[] { 1, w - 1, w, w + 3 }.Where(k => k > 0).Distinct())
            {
                b.ShiftLeft(a, k);
                b.ShiftRightLogical(a, k);
                b.ShiftRightArithmetic(a, k);
            }
            foreach (var n in amounts)
                foreach (var op in new[] { RtlOp.Shl, RtlOp.Shr, RtlOp.Sar }) b.Shift(op, a, n);
            b.Popcount(a);
            b.ReduceOr(a);
            last = b.Xor(b.ReduceAnd(a), last);
        }
        var o = b.Output("o", 1);
        b.Assign(o, last);
        return b.Build();
    }

    /// <summary>Edge patterns first (zero, all ones, only the top bit, one, alternating), then random values.</summary>
    private static BigInteger Stimulus(int width, int vector, SplitMix64 random)
    {
        var mask = RtlCellReference.Mask(width);
        BigInteger value = 0;
        for (int i = 0; i < width; i += 64) value = (value << 64) | random.NextUInt64();
        return vector switch
        {
            0 => 0,
            1 => mask,
            2 => BigInteger.One << (width - 1),
            3 => 1,
            4 => mask / 3,
            _ when vector % 4 == 0 => value % (2 * width + 2) & mask, // small values: realistic shift amounts
            _ => value & mask,
        };
    }

    private static string Testbench(RtlModule module, List<Dictionary<RtlSignal, BigInteger>> vectors)
    {
        var tb = new StringBuilder("`default_nettype none\nmodule tb;\n");
        foreach (var port in module.Ports)
            tb.Append(port.Kind == SignalKind.Input ? "  reg " : "  wire ").Append($"[{port.Width - 1}:0] {port.Name};\n");
        tb.Append($"  {module.Name} dut (").Append(string.Join(", ", module.Ports.Select(p => $".{p.Name}({p.Name})"))).Append(");\n");
        tb.Append("  initial begin\n");
        for (int j = 0; j < vectors.Count; j++)
        {
            foreach (var (port, value) in vectors[j]) tb.Append($"    {port.Name} = {port.Width}'h{RtlTextSyntax.Hex(value, port.Width)};\n");
            tb.Append("    #1;\n");
            foreach (var cell in module.Cells) tb.Append($"    $display(\"{j} {cell.Output.Name} %h\", dut.{cell.Output.Name});\n");
        }
        tb.Append("    $finish;\n  end\nendmodule\n");
        return tb.ToString();
    }

    private static Dictionary<string, string> Simulate(string folder)
    {
        var icarus = HdlTools.Require(Toolchain.Icarus);
        var files = Directory.GetFiles(folder, "*.v").Order(StringComparer.Ordinal).ToList();
        var compile = icarus.Run(["-g2005", "-s", "tb", "-o", "sim.vvp", .. files], folder);
        Assert.True(compile.Succeeded, "iverilog: " + compile.Stderr);
        var vvp = Path.Combine(Path.GetDirectoryName(icarus.Path)!, "vvp");
        Assert.True(File.Exists(vvp), $"vvp (from the Debian package iverilog) is missing next to {icarus.Path}");
        var start = new ProcessStartInfo(vvp, ["-n", "sim.vvp"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "vvp: " + stderr);
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 3)
            .ToDictionary(parts => $"{parts[0]} {parts[1]}", parts => parts[2]);
    }
}
