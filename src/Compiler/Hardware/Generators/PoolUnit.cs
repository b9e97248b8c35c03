using HwFlow.Compiler.Hardware.Memory;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// Max-pooling of a convolution's output stream (raster order, Lanes channels a beat, Groups
/// beats a pixel) with pools of size = stride S, no padding, rows and columns past the last whole
/// pool dropped. The maximum of bits is their OR (1 is the larger value in both encodings), so a
/// binary pool has no comparator; integers use one per lane. Two rotating registers hold partial
/// maxima: the pixel's groups across the S columns of a pool, and a pooled row's groups across
/// the S rows; both are visited in the same order every time, so they are shift registers with no
/// addressing. A pooled pixel's group leaves at its pool's bottom-right pixel.
/// </summary>
public static class PoolUnit
{
    /// <summary>A pooled row of partial maxima larger than this many bits is kept in a RAM instead of registers.</summary>
    public const int RowRegisterBits = 512;

    public static RtlModule Build(ModuleLibrary library, string name, PoolOutput pool, int lanes, HardwareOptions options)
    {
        var g = pool.Geometry;
        int s = g.Stride, groups = g.Channels / lanes;
        int width = pool.ElementType.Width, beat = lanes * width;
        var m = new ModuleBuilder(name);
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", beat);
        var pushValid = m.Wire("push_valid", 1);
        var pushData = m.Wire("push_data", beat);
        var fifo = m.Instantiate(library.GetOrAdd(StreamFifo.ModuleName(beat, 2), () => StreamFifo.Build(beat, 2)), "out_fifo",
            new Dictionary<string, RtlSignal> { ["in_valid"] = pushValid, ["in_data"] = pushData, ["out_ready"] = m.Input("out_ready", 1) });
        m.Assign(m.Output("out_valid", 1), fifo["out_valid"]);
        m.Assign(m.Output("out_data", beat), fifo["out_data"]);
        m.Assign(m.Output("in_ready", 1), fifo["in_ready"]);
        var accept = m.And(inValid, fifo["in_ready"]);

        // where the beat is: group, column (dx within the pool, dropped past the last pool), row likewise
        var (_, groupLast) = m.Counter("group", groups, accept);
        var columnStep = m.And(accept, groupLast);
        var (x, xLast) = m.Counter("x", g.Width, columnStep);
        var (dx, dxLast) = m.Counter("dx", s, columnStep, xLast);
        var rowStep = m.And(columnStep, xLast);
        var (y, _) = m.Counter("y", g.Height, rowStep);
        var (dy, dyLast) = m.Counter("dy", s, rowStep, m.Compare(RtlOp.Eq, y, m.Const(g.Height - 1, y.Width)));
        var used = m.And(Before(m, x, g.OutWidth * s), Before(m, y, g.OutHeight * s));
        var take = m.And(accept, used);

        var columnFirst = m.Compare(RtlOp.Eq, dx, m.Const(0, dx.Width));
        var across = Rotating(m, "across", groups, beat, take);
        var h = m.Mux(columnFirst, inData, Max(m, across.Head, inData, pool, lanes));
        across.Push(h);

        var rowFirst = m.Compare(RtlOp.Eq, dy, m.Const(0, dy.Width));
        var poolColumnDone = m.And(take, dxLast);
        int rowWords = g.OutWidth * groups;
        var down = rowWords >= 2 && (long)rowWords * beat > options.PoolRowRegisterBits
            ? RotatingRam(m, "down", rowWords, beat, poolColumnDone, options)
            : Rotating(m, "down", rowWords, beat, poolColumnDone);
        var v = m.Mux(rowFirst, h, Max(m, down.Head, h, pool, lanes));
        down.Push(v);
        m.Assign(pushValid, m.And(poolColumnDone, dyLast));
        m.Assign(pushData, v);
        return m.Build();
    }

    private static RtlSignal Before(ModuleBuilder m, RtlSignal counter, int limit) =>
        BitWidthFits(counter, limit) ? m.Compare(RtlOp.LtU, counter, m.Const(limit, counter.Width)) : m.Const(1, 1);

    private static bool BitWidthFits(RtlSignal counter, int limit) => limit < (1L << counter.Width);

    /// <summary>Per lane the larger value: OR for bits, a comparison for integers.</summary>
    private static RtlSignal Max(ModuleBuilder m, RtlSignal a, RtlSignal b, PoolOutput pool, int lanes)
    {
        if (pool.OnBits) return m.Or(a, b);
        int width = pool.ElementType.Width;
        var op = pool.ElementType.Kind == ValueKind.Int && pool.ElementType.Min < 0 ? RtlOp.LtS : RtlOp.LtU;
        var result = new RtlSignal[lanes];
        for (int l = 0; l < lanes; l++)
        {
            var x = m.Slice(a, l * width, width);
            var y = m.Slice(b, l * width, width);
            result[lanes - 1 - l] = m.Mux(m.Compare(op, x, y), y, x);
        }
        return m.Concat(result);
    }

    private static IRotation Rotating(ModuleBuilder m, string name, int words, int width, RtlSignal step)
    {
        var register = m.Register(name, words * width, useReset: false);
        return new Rotation(m, register, words, width, step);
    }

    /// <summary>
    /// The same rotation in a RAM: a pointer walks the words; the read address runs one step ahead
    /// (the pointer's next value), so the synchronous read has the head ready when it is used.
    /// </summary>
    private static IRotation RotatingRam(ModuleBuilder m, string name, int words, int width, RtlSignal step, HardwareOptions options)
    {
        var (pointer, last) = m.Counter(name + "_at", words, step);
        var following = m.Mux(last, m.Const(0, pointer.Width), m.Add(pointer, m.Const(1, pointer.Width)));
        var read = m.Mux(step, following, pointer);
        var value = m.Wire(name + "_in", width);
        var style = MemoryPolicy.Style(options.Fabric, MemoryKind.Buffer, width, words);
        var head = m.Ram(name, width, words, read, null, pointer, value, step, style);
        return new RamRotation(m, head, value);
    }

    private interface IRotation
    {
        RtlSignal Head { get; }

        void Push(RtlSignal value);
    }

    /// <summary>A shift register of words visited in a fixed cyclic order: read the head, push the new value at the tail.</summary>
    private sealed class Rotation(ModuleBuilder m, RtlSignal register, int words, int width, RtlSignal step) : IRotation
    {
        public RtlSignal Head { get; } = m.Slice(register, 0, width);

        public void Push(RtlSignal value) =>
            m.Next(register, words == 1 ? value : m.Concat(value, m.Slice(register, width, (words - 1) * width)), step);
    }

    private sealed class RamRotation(ModuleBuilder m, RtlSignal head, RtlSignal input) : IRotation
    {
        public RtlSignal Head { get; } = head;

        public void Push(RtlSignal value) => m.Assign(input, value);
    }
}
