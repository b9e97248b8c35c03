using HwFlow.Fpga.Hdl;
using HwFlow.Runtime.Numerics;
using static HwFlow.Fpga.Tests.PrimitiveBench;

namespace HwFlow.Fpga.Tests;

/// <summary>
/// Each hand-written primitive in hdl/ against its C# model of the same name: the same stimulus
/// in Icarus and in C#, every output compared on every cycle, plus what the primitive is for
/// (bytes decoded, bytes sent, words kept in order).
/// </summary>
public sealed class HdlModelTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(7, 1UL)]
    [InlineData(33, 2UL)]
    public void Uart_rx_matches_its_model_cycle_by_cycle_and_decodes_what_was_sent(int clocksPerBit, ulong seed)
    {
        var wave = UartWaveform.Random(bytes: 150, clocksPerBit, seed);
        // Reset for the first 3 cycles, then the line.
        var stimulus = wave.Line.Select((level, t) => new[] { t < 3 ? 1UL : 0UL, level ? 1UL : 0UL }).ToList();
        var verilog = Run(_temp, "uart_rx.v", [new("rst", 1), new("rx", 1)], [new("data", 8), new("valid", 1), new("frame_error", 1)],
            $"uart_rx #(.CLKS_PER_BIT({clocksPerBit})) dut(.clk(clk), .rst(rst), .rx(rx), .data(data), .valid(valid), .frame_error(frame_error));",
            stimulus);

        var model = new UartRx(clocksPerBit);
        var received = new List<byte>();
        var frameErrors = 0;
        for (var t = 0; t < stimulus.Count; t++)
        {
            if (t >= 1)
            {
                Assert.True(verilog[t] is [not null, not null, not null], $"cycle {t}: unknown output from the Verilog");
                Assert.Equal((model.Data, model.Valid, model.FrameError), ((byte)verilog[t][0]!.Value, verilog[t][1] == 1, verilog[t][2] == 1));
            }
            if (model.Valid) received.Add(model.Data);
            if (model.FrameError) frameErrors++;
            model.Clock(stimulus[t][0] == 1, stimulus[t][1] == 1);
        }
        Assert.Equal(wave.Delivered, received);
        Assert.True(frameErrors > 0, "the random line should hold frames with a bad stop bit");
    }

    [Fact]
    public void Uart_tx_matches_its_model_cycle_by_cycle_and_sends_every_accepted_byte()
    {
        const int clocksPerBit = 5;
        var rng = new SplitMix64(3);
        var stimulus = Enumerable.Range(0, 6000)
            .Select(t => new[] { t < 2 ? 1UL : 0UL, rng.NextUInt64() & 0xff, rng.NextInt(4) == 0 ? 1UL : 0UL })
            .ToList();
        var verilog = Run(_temp, "uart_tx.v", [new("rst", 1), new("s_tdata", 8), new("s_tvalid", 1)], [new("s_tready", 1), new("tx", 1)],
            $"uart_tx #(.CLKS_PER_BIT({clocksPerBit})) dut(.clk(clk), .rst(rst), .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready), .tx(tx));",
            stimulus);

        var model = new UartTx(clocksPerBit);
        var accepted = new List<byte>();
        var line = new List<bool>();
        for (var t = 0; t < stimulus.Count; t++)
        {
            if (t >= 1) Assert.Equal(((ulong?)(model.Ready ? 1UL : 0UL), (ulong?)(model.Tx ? 1UL : 0UL)), (verilog[t][0], verilog[t][1]));
            if (stimulus[t][0] == 0 && model.Ready && stimulus[t][2] == 1) accepted.Add((byte)stimulus[t][1]);
            line.Add(model.Tx);
            model.Clock(stimulus[t][0] == 1, (byte)stimulus[t][1], stimulus[t][2] == 1);
        }
        Assert.True(accepted.Count > 50);
        var decoder = new UartRx(clocksPerBit);
        var decoded = new List<byte>();
        foreach (var level in line)
        {
            decoder.Clock(false, level);
            if (decoder.Valid) decoded.Add(decoder.Data);
        }
        // The last byte may still be on the line when the stimulus ends.
        Assert.InRange(accepted.Count - decoded.Count, 0, 1);
        Assert.Equal(accepted.Take(decoded.Count), decoded);
    }

    [Fact]
    public void Stream_fifo_matches_its_model_cycle_by_cycle_and_keeps_words_in_order()
    {
        const int depthLog2 = 3;
        var rng = new SplitMix64(4);
        // Phases that mostly fill, mostly drain, or both, so the FIFO runs full and empty.
        var stimulus = Enumerable.Range(0, 4000).Select(t =>
        {
            var phase = t / 200 % 3;
            var valid = rng.NextInt(10) < (phase == 1 ? 2 : 8);
            var ready = rng.NextInt(10) < (phase == 0 ? 2 : 8);
            return new[] { t < 2 ? 1UL : 0UL, rng.NextUInt64() & 0x1ff, valid ? 1UL : 0UL, ready ? 1UL : 0UL };
        }).ToList();
        var verilog = Run(_temp, "stream_fifo.v", [new("rst", 1), new("s_tdata", 9), new("s_tvalid", 1), new("m_tready", 1)],
            [new("s_tready", 1), new("m_tvalid", 1), new("m_tdata", 9)],
            $"stream_fifo #(.WIDTH(9), .DEPTH_LOG2({depthLog2})) dut(.clk(clk), .rst(rst), .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready), .m_tdata(m_tdata), .m_tvalid(m_tvalid), .m_tready(m_tready));",
            stimulus);

        var model = new StreamFifo(9, depthLog2);
        List<ulong> written = [], read = [];
        var sawFull = false;
        for (var t = 0; t < stimulus.Count; t++)
        {
            var (rst, data, valid, ready) = (stimulus[t][0] == 1, stimulus[t][1], stimulus[t][2] == 1, stimulus[t][3] == 1);
            if (t >= 1)
            {
                Assert.True((ulong?)(model.InReady ? 1UL : 0UL) == verilog[t][0], $"cycle {t}: s_tready {verilog[t][0]}, model {model.InReady}");
                Assert.Equal((ulong?)(model.OutValid ? 1UL : 0UL), verilog[t][1]);
                if (model.OutValid) Assert.Equal(model.OutData, verilog[t][2]);
            }
            if (!rst && valid && model.InReady) written.Add(data);
            if (!rst && ready && model.OutValid) read.Add(model.OutData);
            sawFull |= !model.InReady;
            model.Clock(rst, data, valid, ready);
        }
        Assert.True(sawFull, "the stimulus should fill the FIFO");
        Assert.True(read.Count > 500);
        Assert.Equal(written.Take(read.Count), read);
    }
}
