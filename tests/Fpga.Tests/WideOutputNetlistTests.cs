using System.Numerics;
using HwFlow.Fpga.Simulation;
using HwFlow.Compiler.Hardware.Build;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// A scores output is one word holding every score, often wider than 64 bits: the gate-level
/// check must read and compare such words whole. The core here answers each 12-byte frame with
/// a 100-bit word (its bytes, byte 0 lowest, and the frame's byte sum in the top 4 bits), so every
/// result has bits above 64 that a 64-bit reader would lose.
/// </summary>
public sealed class WideOutputNetlistTests : IDisposable
{
    private const int Bytes = 12;
    private const int Width = 100;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_synthesized_netlist_of_a_100_bit_output_core_is_compared_bit_for_bit()
    {
        var build = BuildFolder.Open(TestBuilds.Custom(_temp, "wide-output", Verilog, manifest =>
        {
            manifest["inputBytes"] = Bytes;
            manifest["outputWidth"] = Width;
            manifest["cyclesPerFrame"] = Bytes;
            manifest["latencyCycles"] = Bytes + 1;
        }));
        // 100 result pins and 13 more: the bare core needs the HX8K's pins (the UP5K has too few)
        var outcome = new SynthFlow().Run(build, new SynthOptions(FpgaTarget.Ice40Hx8k));
        var frames = TestBuilds.RandomFrames(40, Bytes, seed: 31);
        var expected = frames.Select(Answer).ToList();
        Assert.All(expected, value => Assert.True(value >> 64 != 0, "the test needs results wider than 64 bits"));

        var options = new AxisBenchOptions(InputStallProbability: 0.2, OutputStallProbability: 0.3, Seed: 5);
        var results = PostSynthesisCheck.Simulate(build, outcome.Folder, frames, options, _temp.File("check"));
        Assert.Empty(PostSynthesisCheck.Compare(results, expected));

        // one flipped bit above the 64th is a mismatch of that frame alone
        var wrong = expected.Select((v, i) => i == 7 ? v ^ (BigInteger.One << 90) : v).ToList();
        Assert.Equal([7], PostSynthesisCheck.Compare(results, wrong).Select(m => m.Frame));
    }

    /// <summary>The core's answer: the frame's bytes little-endian in bits 0..95, their sum mod 16 in bits 96..99.</summary>
    private static BigInteger Answer(byte[] frame)
    {
        var value = new BigInteger(frame, isUnsigned: true, isBigEndian: false);
        return value | (new BigInteger(frame.Sum(b => b) % 16) << (8 * Bytes));
    }

    private const string Verilog = """
        // Test core with a 100-bit result word: the 12 bytes of a frame and their sum mod 16 on top.
        module hwflow_top (
            input  wire        clk,
            input  wire        rst,
            input  wire [7:0]  s_axis_tdata,
            input  wire        s_axis_tvalid,
            output wire        s_axis_tready,
            input  wire        s_axis_tlast,
            output reg  [99:0] m_axis_tdata,
            output reg         m_axis_tvalid,
            input  wire        m_axis_tready
        );
            reg [87:0] bytes;
            reg [3:0]  sum;
            assign s_axis_tready = !m_axis_tvalid || m_axis_tready;
            wire accept = s_axis_tvalid && s_axis_tready;
            wire [3:0] total = sum + s_axis_tdata[3:0];
            always @(posedge clk) begin
                if (rst) begin
                    bytes <= 88'd0;
                    sum <= 4'd0;
                    m_axis_tvalid <= 1'b0;
                    m_axis_tdata <= 100'd0;
                end else begin
                    if (m_axis_tvalid && m_axis_tready) m_axis_tvalid <= 1'b0;
                    if (accept) begin
                        if (s_axis_tlast) begin
                            m_axis_tdata <= {total, s_axis_tdata, bytes};
                            m_axis_tvalid <= 1'b1;
                            bytes <= 88'd0;
                            sum <= 4'd0;
                        end else begin
                            bytes <= {s_axis_tdata, bytes[87:8]};
                            sum <= total;
                        end
                    end
                end
            end
        endmodule

        """;
}
