using System.Globalization;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Simulation;

/// <summary>One byte the board sent back: which answer it is, its value and the cycle its stop bit ended.</summary>
public sealed record UartReply(int Index, byte Value, long Cycle);

/// <summary>
/// Simulates a board shell around a build's core as the board would be used: frames go in as
/// UART waveforms on RX (one frame, then wait for the answer), and an independent decoder in the
/// testbench reads the answers off TX. Short bit times (CLKS_PER_BIT) keep it fast; the logic is
/// the same at 115200 baud. The frames, their number and the cycle limit come as plusargs
/// (+frames=FILE +count=N +max_cycles=C), so a compiled simulator of the bench serves every run.
/// </summary>
public static class UartShellBench
{
    public const string Module = "hwflow_uart_bench";
    public const string Sentinel = "HWFLOW-BENCH-DONE";

    public static string Testbench(BoardShell shell, BuildManifest manifest, int clocksPerBit, int idleBitsBetweenBytes)
    {
        var parameters = string.Join(", ", shell.Parameters(manifest, clocksPerBit).Select(p => $".{p.Key}({p.Value})"));
        return string.Create(CultureInfo.InvariantCulture, $$"""
            `timescale 1ns / 1ps
            // Sends frames over the UART into {{shell.TopModule}} and decodes its answers; written by HwFlow.
            // Run with +frames=FILE (hex bytes, one per line) +count=FRAMES +max_cycles=C.
            module {{Module}};
                localparam integer BYTES = {{manifest.InputBytes}};
                localparam integer CLKS = {{clocksPerBit}};
                localparam integer IDLE_BITS = {{idleBitsBetweenBytes}};

                reg CLK = 1'b0;
                reg RX = 1'b1;
                reg BTN_N = 1'b1;
                wire TX;
                wire LEDR_N;
                wire LEDG_N;

                {{shell.TopModule}} #({{parameters}}) board (
                    .CLK(CLK), .RX(RX), .TX(TX), .BTN_N(BTN_N), .LEDR_N(LEDR_N), .LEDG_N(LEDG_N));

                reg [8 * 4096 - 1:0] frame_file;
                integer frames = 0;
                reg [63:0] max_cycles = 64'd0;
                integer fd = 0;
                reg [7:0] value;
                integer cycle = 0;
                integer replies = 0;
                integer frame;
                integer index;
                integer bit_index;
                reg [7:0] reply;

                always #5 CLK = !CLK;
                always @(posedge CLK) begin
                    cycle = cycle + 1;
                    if (cycle >= max_cycles) begin
                        $display("HWFLOW-BENCH-TIMEOUT after %0d cycles with %0d of %0d answers", cycle, replies, frames);
                        $finish;
                    end
                end

                task send_bit(input value);
                    begin
                        RX <= value;
                        repeat (CLKS) @(posedge CLK);
                    end
                endtask

                // Host side: 8N1, least significant bit first; one frame, then wait for its answer.
                initial begin
                    if (!$value$plusargs("frames=%s", frame_file) || !$value$plusargs("count=%d", frames)
                        || !$value$plusargs("max_cycles=%d", max_cycles)) begin
                        $display("HWFLOW-BENCH-ERROR missing plusargs: +frames +count +max_cycles");
                        $finish;
                    end
                    fd = $fopen(frame_file, "r");
                    if (fd == 0) begin
                        $display("HWFLOW-BENCH-ERROR cannot open the frame file named by +frames");
                        $finish;
                    end
                    repeat (32) @(posedge CLK);
                    for (frame = 0; frame < frames; frame = frame + 1) begin
                        for (index = 0; index < BYTES; index = index + 1) begin
                            if ($fscanf(fd, "%h", value) != 1) begin
                                $display("HWFLOW-BENCH-ERROR the frame file ended in frame %0d", frame);
                                $finish;
                            end
                            send_bit(1'b0);
                            for (bit_index = 0; bit_index < 8; bit_index = bit_index + 1)
                                send_bit(value[bit_index]);
                            send_bit(1'b1);
                            repeat (IDLE_BITS) send_bit(1'b1);
                        end
                        wait (replies > frame);
                    end
                end

                // Decoder on TX, independent of the shell's own UART: the middle of every bit.
                initial begin : decoder
                    integer k;
                    forever begin
                        @(negedge TX);
                        repeat (CLKS / 2) @(posedge CLK);
                        if (TX !== 1'b0) $display("GLITCH %0d", cycle);
                        else begin
                            for (k = 0; k < 8; k = k + 1) begin
                                repeat (CLKS) @(posedge CLK);
                                reply[k] = TX;
                            end
                            repeat (CLKS) @(posedge CLK);
                            if (TX !== 1'b1) $display("FRAMING-ERROR %0d", cycle);
                            $display("REPLY %0d %0d %0d", replies, reply, cycle);
                            replies = replies + 1;
                            if (replies == frames) begin
                                repeat (4 * CLKS) @(posedge CLK);
                                $display("{{Sentinel}} %0d %0d", cycle, LEDR_N);
                                $finish;
                            end
                        end
                    end
                end
            endmodule

            """);
    }

    /// <summary>
    /// Runs the shell with the build's core on <paramref name="frames"/> and returns the answers.
    /// Fails when the line showed a glitch or framing error, or the shell's error LED lit.
    /// </summary>
    public static IReadOnlyList<UartReply> Run(IVerilogSimulation simulator, BoardShell shell, BuildFolder build, IReadOnlyList<byte[]> frames,
        string scratchFolder, int clocksPerBit = 8, int idleBitsBetweenBytes = 1, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(scratchFolder);
        var frameFile = Path.GetFullPath(Path.Combine(scratchFolder, "frames.hex"));
        FrameFile.Write(frameFile, frames, build.Manifest.InputBytes);
        var bench = Path.Combine(scratchFolder, Module + ".v");
        File.WriteAllText(bench, Testbench(shell, build.Manifest, clocksPerBit, idleBitsBetweenBytes));
        var manifest = build.Manifest;
        var perFrame = (long)(manifest.InputBytes + 1) * (10 + idleBitsBetweenBytes) * clocksPerBit + 2 * Math.Max(manifest.CyclesPerFrame, manifest.LatencyCycles);
        string[] plusargs =
        [
            "frames=" + frameFile,
            "count=" + frames.Count.ToString(CultureInfo.InvariantCulture),
            "max_cycles=" + ((frames.Count + 1) * perFrame * 2 + 100_000).ToString(CultureInfo.InvariantCulture),
        ];
        var shellFiles = HdlLibrary.WriteTo(Path.Combine(scratchFolder, "shell"), shell.VerilogFiles);
        var coreFiles = build.Manifest.VerilogFiles.Select(build.File);
        var lines = simulator.Run([bench, .. shellFiles, .. coreFiles], Module, build.Path, scratchFolder, Sentinel, TimeSpan.FromMinutes(30), cancel,
            plusargs: plusargs);
        var trouble = lines.FirstOrDefault(l => l.StartsWith("GLITCH", StringComparison.Ordinal) || l.StartsWith("FRAMING-ERROR", StringComparison.Ordinal));
        if (trouble is not null) throw new SimulationFailedException($"the shell's TX line misbehaved: {trouble}");
        if (lines[^1].Split(' ') is [_, _, "0"]) throw new SimulationFailedException("the shell lit its error LED (a UART framing error or a FIFO overrun)");
        return lines.Where(l => l.StartsWith("REPLY ", StringComparison.Ordinal)).Select(l =>
        {
            var parts = l.Split(' ');
            if (!byte.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                throw new SimulationFailedException($"an answer had unknown bits: '{l}'");
            return new UartReply(int.Parse(parts[1], CultureInfo.InvariantCulture), value, long.Parse(parts[3], CultureInfo.InvariantCulture));
        }).ToList();
    }
}
