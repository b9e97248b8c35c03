using System.Globalization;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Simulation;

/// <summary>How the bench drives the core: stall probabilities on either stream, the seed of its random pattern, a cycle limit.</summary>
public sealed record AxisBenchOptions(double InputStallProbability = 0, double OutputStallProbability = 0, ulong Seed = 1, long? MaxCycles = null);

/// <summary>One output beat of the core: which frame it answers, its value, and the cycle of the handshake.</summary>
public sealed record AxisResult(int Frame, ulong Value, long Cycle);

/// <summary>
/// A Verilog testbench for a hwflow_top (RTL or a synthesized netlist): it streams frames into
/// s_axis with tlast on each frame's last byte, takes the results from m_axis, and may stall
/// either side at random (a seeded xorshift, so runs repeat), as the build-folder contract allows.
/// </summary>
public static class AxisFrameBench
{
    public const string Module = "hwflow_axis_bench";
    public const string Sentinel = "HWFLOW-BENCH-DONE";

    public static string Testbench(BuildManifest manifest, int frameCount, string frameFile, AxisBenchOptions options)
    {
        var total = (long)frameCount * manifest.InputBytes;
        var maxCycles = options.MaxCycles ?? DefaultMaxCycles(manifest, frameCount, options);
        return string.Create(CultureInfo.InvariantCulture, $$"""
            `timescale 1ns / 1ps
            // Streams {{frameCount}} frames of {{manifest.InputBytes}} bytes through {{manifest.Top}}; written by HwFlow.
            module {{Module}};
                localparam integer FRAMES = {{frameCount}};
                localparam integer BYTES = {{manifest.InputBytes}};
                localparam integer TOTAL = {{total}};
                localparam [15:0] INPUT_STALL = 16'd{{Threshold(options.InputStallProbability)}};
                localparam [15:0] OUTPUT_STALL = 16'd{{Threshold(options.OutputStallProbability)}};

                reg clk = 1'b0;
                reg rst = 1'b1;
                reg [7:0] s_axis_tdata = 8'd0;
                reg s_axis_tvalid = 1'b0;
                reg s_axis_tlast = 1'b0;
                wire s_axis_tready;
                wire [{{manifest.OutputWidth - 1}}:0] m_axis_tdata;
                wire m_axis_tvalid;
                reg m_axis_tready = 1'b0;

                {{manifest.Top}} dut (
                    .clk(clk), .rst(rst),
                    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tlast(s_axis_tlast),
                    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready));

                reg [7:0] frames [0:TOTAL - 1];
                integer next_byte = 0;
                integer received = 0;
                integer cycle = 0;
                reg [63:0] rng = 64'd{{(options.Seed == 0 ? 1 : options.Seed)}};

                always #5 clk = !clk;

                initial begin
                    $readmemh({{FrameFile.VerilogString(frameFile)}}, frames);
                    repeat (4) @(posedge clk);
                    rst <= 1'b0;
                end

                // A synchronous driver: what it sees at an edge is what the core sees, so a beat
                // moves exactly when valid and ready were both high before the edge.
                always @(posedge clk) begin
                    if (!rst) begin
                        if (s_axis_tvalid && s_axis_tready) next_byte = next_byte + 1;
                        if (m_axis_tvalid && m_axis_tready) begin
                            $display("OUT %0d %0d %0d", received, m_axis_tdata, cycle);
                            received = received + 1;
                            if (received == FRAMES) begin
                                $display("{{Sentinel}} %0d", cycle);
                                $finish;
                            end
                        end
                        rng = rng ^ (rng << 13);
                        rng = rng ^ (rng >> 7);
                        rng = rng ^ (rng << 17);
                        if (!s_axis_tvalid || s_axis_tready) begin
                            s_axis_tvalid <= next_byte < TOTAL && rng[15:0] >= INPUT_STALL;
                            s_axis_tdata <= next_byte < TOTAL ? frames[next_byte] : 8'd0;
                            s_axis_tlast <= next_byte % BYTES == BYTES - 1;
                        end
                        m_axis_tready <= rng[31:16] >= OUTPUT_STALL;
                        if (cycle >= {{maxCycles}}) begin
                            $display("HWFLOW-BENCH-TIMEOUT after %0d cycles: %0d of %0d bytes taken, %0d of %0d results", cycle, next_byte, TOTAL, received, FRAMES);
                            $finish;
                        end
                        cycle = cycle + 1;
                    end
                end
            endmodule

            """);
    }

    /// <summary>Runs the bench on <paramref name="designFiles"/> (full paths) from the build folder and returns every result in order.</summary>
    public static IReadOnlyList<AxisResult> Run(IVerilogSimulation simulator, BuildFolder build, IReadOnlyList<string> designFiles,
        IReadOnlyList<byte[]> frames, AxisBenchOptions options, string scratchFolder, CancellationToken cancel = default,
        IReadOnlyList<string>? defines = null)
    {
        Directory.CreateDirectory(scratchFolder);
        var frameFile = Path.Combine(scratchFolder, "frames.hex");
        FrameFile.Write(frameFile, frames, build.Manifest.InputBytes);
        var bench = Path.Combine(scratchFolder, Module + ".v");
        File.WriteAllText(bench, Testbench(build.Manifest, frames.Count, frameFile, options));
        var lines = simulator.Run([bench, .. designFiles], Module, build.Path, scratchFolder, Sentinel, TimeSpan.FromMinutes(30), cancel, defines);
        return lines.Where(l => l.StartsWith("OUT ", StringComparison.Ordinal)).Select(Parse).ToList();
    }

    private static AxisResult Parse(string line)
    {
        var parts = line.Split(' ');
        if (!ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new SimulationFailedException($"the core's output had unknown bits: '{line}' (X or Z in m_axis_tdata)");
        return new AxisResult(int.Parse(parts[1], CultureInfo.InvariantCulture), value, long.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    private static int Threshold(double probability) => (int)Math.Round(Math.Clamp(probability, 0, 0.99) * 65536);

    private static long DefaultMaxCycles(BuildManifest manifest, int frames, AxisBenchOptions options)
    {
        var perFrame = Math.Max(manifest.CyclesPerFrame, manifest.InputBytes);
        var slowdown = 1 / ((1 - Math.Clamp(options.InputStallProbability, 0, 0.99)) * (1 - Math.Clamp(options.OutputStallProbability, 0, 0.99)));
        return (long)((frames + 2) * perFrame * 2 * slowdown) + 2 * manifest.LatencyCycles + 10_000;
    }
}
