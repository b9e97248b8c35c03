using System.Globalization;
using System.Numerics;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Simulation;

/// <summary>How the bench drives the core: stall probabilities on either stream, the seed of its random pattern, a cycle limit.</summary>
/// <param name="Timeout">How long the simulation may run over the frames before it is stopped (building a Verilator model has its own limit); null: <see cref="Sim.Tools.ExternalTool.DefaultTimeout"/>.</param>
public sealed record AxisBenchOptions(double InputStallProbability = 0, double OutputStallProbability = 0, ulong Seed = 1, long? MaxCycles = null, TimeSpan? Timeout = null);

/// <summary>One output beat of the core: which frame it answers, its value (a class, or a scores word of any width), and the cycle of the handshake.</summary>
public sealed record AxisResult(int Frame, BigInteger Value, long Cycle);

/// <summary>
/// A Verilog testbench for a hwflow_top (RTL or a synthesized netlist): it streams frames into
/// s_axis with tlast on each frame's last byte, takes the results from m_axis, and may stall
/// either side at random (a seeded xorshift, so runs repeat), as the build-folder contract allows.
/// What changes from run to run (the frames, their number, the stalls, the seed, the cycle limit)
/// comes as plusargs, so the bench's text depends on the build alone and a compiled simulator
/// of it (Verilator's, cached) serves every run.
/// </summary>
public static class AxisFrameBench
{
    public const string Module = "hwflow_axis_bench";
    public const string Sentinel = "HWFLOW-BENCH-DONE";

    public static string Testbench(BuildManifest manifest) =>
        string.Create(CultureInfo.InvariantCulture, $$"""
            `timescale 1ns / 1ps
            // Streams frames of {{manifest.InputBytes}} {{(manifest.InputFormat == InputWire.Bits ? "pixels as bits" : "bytes")}} ({{manifest.InputBeats}} beats of {{manifest.InputWidth}} bits) through {{manifest.Top}}; written by HwFlow.
            // Run with +frames=FILE (hex bytes, one per line) +count=FRAMES +input_stall=T +output_stall=T
            // +seed=S +max_cycles=C, where a stall threshold T of 65536 * p stalls with probability p.
            module {{Module}};
                localparam integer BEATS = {{manifest.InputBeats}};
                localparam integer BEAT_BYTES = {{manifest.BytesPerBeat}};

                reg clk = 1'b0;
                reg rst = 1'b1;
                reg [{{manifest.InputWidth - 1}}:0] s_axis_tdata = {{manifest.InputWidth}}'d0;
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

                reg [8 * 4096 - 1:0] frame_file;
                integer frames = 0;
                integer total = 0;
                reg [63:0] max_cycles = 64'd0;
                reg [15:0] input_stall = 16'd0;
                reg [15:0] output_stall = 16'd0;
                reg [63:0] rng = 64'd1;
                integer fd = 0;
                reg [{{manifest.InputWidth - 1}}:0] next_data = {{manifest.InputWidth}}'d0;
                reg [7:0] file_byte = 8'd0;
                integer lane = 0;
                integer next_byte = 0; // the next beat to offer
                integer received = 0;
                integer cycle = 0;

                always #5 clk = !clk;

                // The frame bytes are read from the file one beat at a time, as the core takes them,
                // the first byte of a beat in its low bits.
                task read_next;
                    begin
                        if (next_byte < total) begin
                            for (lane = 0; lane < BEAT_BYTES; lane = lane + 1) begin
                                if ($fscanf(fd, "%h", file_byte) != 1) begin
                                    $display("HWFLOW-BENCH-ERROR the frame file ended after %0d of %0d beats", next_byte, total);
                                    $finish;
                                end
                                next_data[lane * 8 +: 8] = file_byte;
                            end
                        end
                    end
                endtask

                initial begin
                    if (!$value$plusargs("frames=%s", frame_file) || !$value$plusargs("count=%d", frames)
                        || !$value$plusargs("input_stall=%d", input_stall) || !$value$plusargs("output_stall=%d", output_stall)
                        || !$value$plusargs("seed=%d", rng) || !$value$plusargs("max_cycles=%d", max_cycles)) begin
                        $display("HWFLOW-BENCH-ERROR missing plusargs: +frames +count +input_stall +output_stall +seed +max_cycles");
                        $finish;
                    end
                    total = frames * BEATS;
                    fd = $fopen(frame_file, "r");
                    if (fd == 0) begin
                        $display("HWFLOW-BENCH-ERROR cannot open the frame file named by +frames");
                        $finish;
                    end
                    read_next;
                    repeat (4) @(posedge clk);
                    rst <= 1'b0;
                end

                // A synchronous driver: what it sees at an edge is what the core sees, so a beat
                // moves exactly when valid and ready were both high before the edge.
                always @(posedge clk) begin
                    if (!rst) begin
                        if (s_axis_tvalid && s_axis_tready) begin
                            next_byte = next_byte + 1;
                            read_next;
                        end
                        if (m_axis_tvalid && m_axis_tready) begin
                            $display("OUT %0d %0d %0d", received, m_axis_tdata, cycle);
                            received = received + 1;
                            if (received == frames) begin
                                $display("{{Sentinel}} %0d", cycle);
                                $finish;
                            end
                        end
                        rng = rng ^ (rng << 13);
                        rng = rng ^ (rng >> 7);
                        rng = rng ^ (rng << 17);
                        if (!s_axis_tvalid || s_axis_tready) begin
                            s_axis_tvalid <= next_byte < total && rng[15:0] >= input_stall;
                            s_axis_tdata <= next_byte < total ? next_data : {{manifest.InputWidth}}'d0;
                            s_axis_tlast <= next_byte % BEATS == BEATS - 1;
                        end
                        m_axis_tready <= rng[31:16] >= output_stall;
                        if (cycle >= max_cycles) begin
                            $display("HWFLOW-BENCH-TIMEOUT after %0d cycles: %0d of %0d {{(manifest.BytesPerBeat == 1 ? "bytes" : "beats")}} taken, %0d of %0d results", cycle, next_byte, total, received, frames);
                            $finish;
                        end
                        cycle = cycle + 1;
                    end
                end
            endmodule

            """);

    /// <summary>The plusargs of one run: the frame file, how many frames it holds, the stalls, the seed and the cycle limit.</summary>
    public static IReadOnlyList<string> Plusargs(BuildManifest manifest, int frameCount, string frameFile, AxisBenchOptions options) =>
    [
        "frames=" + frameFile,
        "count=" + frameCount.ToString(CultureInfo.InvariantCulture),
        "input_stall=" + Threshold(options.InputStallProbability).ToString(CultureInfo.InvariantCulture),
        "output_stall=" + Threshold(options.OutputStallProbability).ToString(CultureInfo.InvariantCulture),
        "seed=" + (options.Seed == 0 ? 1 : options.Seed).ToString(CultureInfo.InvariantCulture),
        "max_cycles=" + (options.MaxCycles ?? DefaultMaxCycles(manifest, frameCount, options)).ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>Runs the bench on <paramref name="designFiles"/> (full paths) from the build folder and returns every result in order.</summary>
    public static IReadOnlyList<AxisResult> Run(IVerilogSimulation simulator, BuildFolder build, IReadOnlyList<string> designFiles,
        IReadOnlyList<byte[]> frames, AxisBenchOptions options, string scratchFolder, CancellationToken cancel = default,
        IReadOnlyList<string>? defines = null)
    {
        Directory.CreateDirectory(scratchFolder);
        var frameFile = Path.GetFullPath(Path.Combine(scratchFolder, "frames.hex"));
        // the frames as the core takes them: bytes, or a bit per pixel (--input-format bits)
        FrameFile.Write(frameFile, InputWire.Pack(build.Manifest, frames), build.Manifest.WireBytes);
        var bench = Path.Combine(scratchFolder, Module + ".v");
        File.WriteAllText(bench, Testbench(build.Manifest));
        var lines = simulator.Run([bench, .. designFiles], Module, build.Path, scratchFolder, Sentinel, options.Timeout ?? Sim.Tools.ExternalTool.DefaultTimeout, cancel, defines,
            Plusargs(build.Manifest, frames.Count, frameFile, options));
        return lines.Where(l => l.StartsWith("OUT ", StringComparison.Ordinal)).Select(Parse).ToList();
    }

    private static AxisResult Parse(string line)
    {
        var parts = line.Split(' ');
        // %0d prints m_axis_tdata in decimal at any width: a scores word is wider than 64 bits
        if (!BigInteger.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new SimulationFailedException($"the core's output had unknown bits: '{line}' (X or Z in m_axis_tdata)");
        return new AxisResult(int.Parse(parts[1], CultureInfo.InvariantCulture), value, long.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    private static int Threshold(double probability) => (int)Math.Round(Math.Clamp(probability, 0, 0.99) * 65536);

    private static long DefaultMaxCycles(BuildManifest manifest, int frames, AxisBenchOptions options)
    {
        var perFrame = Math.Max(manifest.CyclesPerFrame, manifest.InputBeats);
        var slowdown = 1 / ((1 - Math.Clamp(options.InputStallProbability, 0, 0.99)) * (1 - Math.Clamp(options.OutputStallProbability, 0, 0.99)));
        return (long)((frames + 2) * perFrame * 2 * slowdown) + 2 * manifest.LatencyCycles + 10_000;
    }
}
