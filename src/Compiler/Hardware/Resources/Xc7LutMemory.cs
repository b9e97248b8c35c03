namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>
/// 7 series LUTs used as memory, as yosys 0.23 synth_xilinx maps them (techlibs/xilinx/cells_map.v
/// and lutrams_xc5v.txt): shift-register LUTs (SRL16E, SRLC32E: one LUT each) and distributed RAM
/// (RAM32M, RAM64M, RAM128X1D: four LUTs each). Counted apart from logic LUTs, as the netlist's
/// LUT1..LUT6 leave them out, and added to them where a device's LUTs are checked.
/// </summary>
public static class Xc7LutMemory
{
    /// <summary>
    /// A fixed-length chain of <paramref name="depth"/> flip-flops: its shift-register LUTs and the
    /// flip-flops left beside them. One over a multiple of 16 or 32 up to 129 keeps its last stage a
    /// flip-flop (17 is an SRL16E and an FDRE, 33 an SRLC32E and an FDRE); longer chains are
    /// cascades of SRLC32E, 128 at a time.
    /// </summary>
    public static (int Luts, int Ffs) ShiftRegister(int depth)
    {
        if (depth <= 0) return (0, 0);
        if (depth == 1) return (0, 1);
        if (depth <= 16) return (1, 0);
        if (depth == 17 || depth == 33 || depth == 65 || depth == 97 || depth == 129) return Add(ShiftRegister(depth - 1), (0, 1));
        if (depth <= 32) return (1, 0);
        if (depth <= 128) return Add((1, 0), ShiftRegister(depth - 32));
        return Add((4 * (depth / 128), 0), ShiftRegister(depth % 128));
    }

    /// <summary>
    /// Distributed RAM for a <paramref name="width"/> x <paramref name="depth"/> memory with one
    /// write port, per read port, the cheaper of lutrams_xc5v.txt's simple dual-port shapes
    /// (RAM32M: 6 bits of 32 words, RAM64M: 3 bits of 64, deeper ones 64 words at a time) and
    /// RAM128X1D (one bit of 128 words), each four LUTs. Measured: 16 x 64 and 17 x 128 line
    /// buffers were 6 and 12 RAM64M (not 17 RAM128X1D), 224 x 56 was 75 RAM64M.
    /// </summary>
    public static int Ram(int width, int depth)
    {
        if (depth <= 32) return 4 * ((width + 5) / 6);
        int sdp = 4 * ((width + 2) / 3) * ((depth + 63) / 64);
        return Math.Min(sdp, 4 * width * ((depth + 127) / 128));
    }

    private static (int, int) Add((int Luts, int Ffs) a, (int Luts, int Ffs) b) => (a.Luts + b.Luts, a.Ffs + b.Ffs);
}
