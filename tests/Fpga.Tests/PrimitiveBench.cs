using System.Globalization;
using System.Text;
using HwFlow.Fpga;
using HwFlow.Fpga.Simulation;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// Drives one hand-written primitive in Icarus with a per-cycle stimulus and records its outputs
/// every cycle, as seen just before each rising edge (the same moment the C# models are read).
/// </summary>
public static class PrimitiveBench
{
    public sealed record Port(string Name, int Width);

    /// <summary>Outputs per cycle, as numbers; null where Icarus printed an unknown (x/z) value.</summary>
    public static IReadOnlyList<ulong?[]> Run(TempFolder temp, string hdlFile, IReadOnlyList<Port> inputs, IReadOnlyList<Port> outputs,
        string instance, IReadOnlyList<ulong[]> stimulus)
    {
        var scratch = temp.File("bench-" + Path.GetFileNameWithoutExtension(hdlFile));
        var design = HdlLibrary.WriteTo(scratch, [hdlFile]);
        var stimulusFile = Path.Combine(scratch, "stimulus.hex");
        var width = inputs.Sum(p => p.Width);
        var lines = new StringBuilder();
        foreach (var cycle in stimulus)
        {
            var packed = System.Numerics.BigInteger.Zero;
            for (var i = 0; i < inputs.Count; i++) packed = (packed << inputs[i].Width) | cycle[i];
            // Exactly as many digits as the vector has nibbles (BigInteger adds a sign digit, which Icarus reads as an overflow).
            var digits = (width + 3) / 4;
            lines.Append(packed.ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(digits, '0')).Append('\n');
        }
        File.WriteAllText(stimulusFile, lines.ToString());
        var concatenation = "{" + string.Join(", ", inputs.Select(p => p.Name)) + "}";
        var bench = $$"""
            `timescale 1ns / 1ps
            module primitive_bench;
                reg clk = 1'b0;
            {{string.Join("\n", inputs.Select(p => $"    reg [{p.Width - 1}:0] {p.Name};"))}}
            {{string.Join("\n", outputs.Select(p => $"    wire [{p.Width - 1}:0] {p.Name};"))}}
                {{instance}}
                reg [{{width - 1}}:0] stimulus [0:{{stimulus.Count - 1}}];
                integer t = 0;
                initial begin
                    $readmemh({{FrameFile.VerilogString(stimulusFile)}}, stimulus);
                    {{concatenation}} = stimulus[0];
                end
                always #5 clk = !clk;
                always @(posedge clk) begin
                    $display("{{string.Join(" ", outputs.Select(_ => "%h"))}}", {{string.Join(", ", outputs.Select(p => p.Name))}});
                    t = t + 1;
                    if (t == {{stimulus.Count}}) begin
                        $display("BENCH-DONE");
                        $finish;
                    end
                    {{concatenation}} <= stimulus[t];
                end
            endmodule
            """;
        var benchFile = Path.Combine(scratch, "primitive_bench.v");
        File.WriteAllText(benchFile, bench);
        var printed = IcarusSimulation.Default.Run([benchFile, .. design], "primitive_bench", scratch, scratch, "BENCH-DONE", TimeSpan.FromMinutes(5));
        return printed.Take(printed.Count - 1).Select(line => line.Split(' ').Select(Parse).ToArray()).ToList();
    }

    private static ulong? Parse(string hex) =>
        ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) ? value : null;
}
