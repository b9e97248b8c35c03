using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;
using HwFlow.Runtime.Semantics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The sliding window of a convolution. The incoming pixels (channels-last, a few channels a
/// beat) fill one half of a RAM, a word of Lanes channels at a time, while the other half is read
/// out as every output position's receptive field in the golden kernel's (ky, kx, c) order, one
/// word a cycle: padding positions are not read but replaced by the padding value 0 (+-1 bits
/// become the integers -1/+1 and pad with 0, exactly as the golden window). The read address
/// moves by constant steps as the loop counters turn (no multiplier); stride and padding only
/// change those steps and the bounds of the inside test. Reads are issued only when the output
/// FIFO has room, so the stream runs at one word a cycle until the consumer stalls.
/// </summary>
public static class WindowGenerator
{
    /// <summary>Cycles from a read issued to its word entering the output FIFO.</summary>
    public const int PipelineLatency = 2;

    public static RtlModule Build(ModuleLibrary library, string name, WindowInput window, int lanesIn, HardwareOptions options)
    {
        var g = window.Geometry;
        int lanes = window.Lanes;
        if (g.Channels % lanes != 0 || lanes % lanesIn != 0)
            throw new InvalidOperationException($"{name}: {lanes} lanes a word for {g.Channels} channels arriving {lanesIn} a beat");
        var m = new ModuleBuilder(name);
        int inWidth = window.ElementType.Width, outWidth = window.OutputType.Width;
        int groups = g.Channels / lanes;                      // words per pixel
        int frameWords = g.Height * g.Width * groups;
        var banks = new PingPong(m, "frame");

        // fill: beats gather into words, words go to the fill half in pixel order
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", lanesIn * inWidth);
        m.Assign(m.Output("in_ready", 1), m.Not(banks.FillBankFull));
        var accept = m.And(inValid, m.Not(banks.FillBankFull));
        int beatsPerWord = lanes / lanesIn;
        var (_, beatLast) = m.Counter("fill_beat", beatsPerWord, accept);
        var wordDone = m.And(accept, beatLast);
        var (fillWord, fillLast) = m.Counter("fill_word", frameWords, wordDone);
        RtlSignal word = inData;
        if (beatsPerWord > 1)
        {
            int held = (beatsPerWord - 1) * lanesIn * inWidth;
            var gathered = m.Register("gather", held, useReset: false);
            var all = m.Concat(inData, gathered);
            m.Next(gathered, m.Slice(all, lanesIn * inWidth, held), accept);
            word = all;
        }
        int addressWidth = BitWidth.ToIndex(2L * frameWords);
        RtlSignal Half(RtlSignal bank, RtlSignal offset) =>
            m.Add(m.Fit(offset, false, addressWidth), m.Mux(bank, m.Const(frameWords, addressWidth), m.Const(0, addressWidth)));

        // read: loops oy, ox, ky, kx, channel group; the address of (iy, ix, group) kept by constant steps
        var issue = m.Wire("issue", 1);
        var (_, groupLast) = m.Counter("rd_group", groups, issue);
        var kxStep = m.And(issue, groupLast);
        var (kx, kxLast) = m.Counter("rd_kx", g.KernelWidth, kxStep);
        var kyStep = m.And(kxStep, kxLast);
        var (ky, kyLast) = m.Counter("rd_ky", g.KernelHeight, kyStep);
        var oxStep = m.And(kyStep, kyLast);
        var (_, oxLast) = m.Counter("rd_ox", g.OutWidth, oxStep);
        var oyStep = m.And(oxStep, oxLast);
        var (_, oyLast) = m.Counter("rd_oy", g.OutHeight, oyStep);
        var frameDone = m.And(oyStep, oyLast);

        long rowWords = (long)g.Width * groups;
        long reach = Math.Max((long)g.Height * rowWords, ((long)(g.OutHeight * g.Stride) + g.KernelHeight) * rowWords) + rowWords;
        int wide = BitWidth.ToHoldSigned(-(long)(g.Padding + 1) * (rowWords + groups), reach);
        int coordinate = BitWidth.ToHoldSigned(-g.Padding - 1, Math.Max(g.Height, g.Width) + (Math.Max(g.OutHeight, g.OutWidth) * g.Stride) + Math.Max(g.KernelHeight, g.KernelWidth));
        long start = -(long)g.Padding * (rowWords + groups);
        var address = m.Register("rd_address", wide, Arithmetic.Word(start, wide));
        long toNextKx = 1;
        long toNextKy = 1 - ((long)g.KernelWidth * groups) + rowWords;
        long toNextOx = 1 - ((long)g.KernelWidth * groups) - ((long)(g.KernelHeight - 1) * rowWords) + ((long)g.Stride * groups);
        long toNextOy = toNextOx - ((long)g.OutWidth * g.Stride * groups) + ((long)g.Stride * rowWords);
        RtlSignal Step(long value) => m.Add(address, m.Const(Arithmetic.Word(value, wide), wide));
        var nextAddress = m.Mux(frameDone, m.Const(Arithmetic.Word(start, wide), wide),
            m.Mux(oyStep, Step(toNextOy), m.Mux(oxStep, Step(toNextOx), m.Mux(kyStep, Step(toNextKy), Step(toNextKx)))));
        m.Next(address, nextAddress, issue);

        // top-left input coordinates of the current position, and the inside test of (iy, ix)
        var baseY = Coordinate(m, "rd_base_y", coordinate, g.Padding, g.Stride, oyStep, frameDone);
        var baseX = Coordinate(m, "rd_base_x", coordinate, g.Padding, g.Stride, oxStep, oyStep);
        var iy = m.Add(baseY, m.Fit(ky, false, coordinate));
        var ix = m.Add(baseX, m.Fit(kx, false, coordinate));
        var inside = m.And(Within(m, iy, g.Height, coordinate), Within(m, ix, g.Width, coordinate));
        var readAddress = m.Mux(inside, Half(banks.Read, m.Slice(address, 0, addressWidth)), m.Const(0, addressWidth));
        var style = MemoryPolicy.Style(options.Fabric, MemoryKind.Buffer, lanes * inWidth, 2L * frameWords);
        var stored = m.Ram("frame", lanes * inWidth, 2 * frameWords, readAddress, null, Half(banks.Fill, fillWord), word, wordDone, style);
        banks.Connect(m, m.And(wordDone, fillLast), m.And(issue, frameDone));

        // S1: the word read; S2: padding substituted and elements converted, into the FIFO
        var valid1 = m.DelayReset(issue, 1, "s1_valid");
        var inside1 = m.Delay(inside, 1, "s1_inside");
        var elements = Enumerable.Range(0, lanes).Select(l => Convert(m, m.Slice(stored, l * inWidth, inWidth), window, outWidth)).Reverse().ToArray();
        var converted = m.Concat(elements);
        var pushData = m.Delay(m.Mux(inside1, converted, m.Const(0, lanes * outWidth)), 1, "s2_word");
        var pushValid = m.DelayReset(valid1, 1, "s2_valid");
        var output = new StageOutput(m, library, lanes * outWidth, PipelineLatency, 1, pushValid, pushData);
        m.Assign(issue, m.And(banks.ReadBankFull, output.Credit));
        output.Track(m, issue);
        return m.Build();
    }

    /// <summary>A stored element as the window emits it: +-1 bits as the integers -1/+1, integers extended.</summary>
    private static RtlSignal Convert(ModuleBuilder m, RtlSignal element, WindowInput window, int outWidth)
    {
        if (window.SignsToIntegers)
            return m.Mux(element, m.Const(1, outWidth), m.Const(Arithmetic.Word(-1, outWidth), outWidth));
        bool signed = window.ElementType.Kind == ValueKind.Int && window.ElementType.Min < 0;
        return m.Fit(element, signed, outWidth);
    }

    /// <summary>The first input row (or column) of the current window: -Padding, then + Stride per step.</summary>
    private static RtlSignal Coordinate(ModuleBuilder m, string name, int width, int padding, int stride, RtlSignal step, RtlSignal restart)
    {
        var value = m.Register(name, width, Arithmetic.Word(-padding, width));
        var next = m.Mux(restart, m.Const(Arithmetic.Word(-padding, width), width), m.Add(value, m.Const(stride, width)));
        m.Next(value, next, m.Or(step, restart));
        return value;
    }

    /// <summary>0 &lt;= v &lt; limit for a signed v.</summary>
    private static RtlSignal Within(ModuleBuilder m, RtlSignal v, int limit, int width) =>
        m.And(m.Not(m.Bit(v, width - 1)), m.Compare(RtlOp.LtS, v, m.Const(limit, width)));

    /// <summary>Cycles the window needs per frame at full rate: its reads (the fill runs alongside, at the producer's pace).</summary>
    public static long Cycles(WindowGeometry g, int lanes) => (long)g.Positions * g.Patch / lanes;
}
