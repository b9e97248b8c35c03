using HwFlow.Compiler.Hardware.Build;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Fpga;

/// <summary>
/// A hand-written top level (in hdl/) that puts a compiled hwflow_top on a real board: its
/// Verilog, its pin constraints, its clock and how the core's parameters reach it.
/// </summary>
public sealed record BoardShell(
    string Name,
    FpgaTarget Target,
    string TopModule,
    double ClockMhz,
    int BaudRate,
    IReadOnlyList<string> VerilogFiles,
    string ConstraintFile,
    string Description)
{
    /// <summary>iCEBreaker: UART in (raw input bytes) -> core -> one class byte back over UART.</summary>
    public static BoardShell Icebreaker { get; } = new(
        "icebreaker", FpgaTarget.Ice40Up5k, "icebreaker_top", 12, 115_200,
        ["uart_rx.v", "uart_tx.v", "stream_fifo.v", "icebreaker_top.v"], "icebreaker.pcf",
        "iCEBreaker: frames in over the FTDI UART (115200 8N1), one class byte back");

    public static IReadOnlyList<BoardShell> All { get; } = [Icebreaker];

    public int ClocksPerBit => (int)Math.Round(ClockMhz * 1e6 / BaudRate);

    /// <summary>The shell's Verilog parameters for a build: UART timing, frame length, output width, FIFO depth.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Parameters(BuildManifest manifest, int? clocksPerBit = null) => manifest.InputFormat == InputWire.Bits
        ? throw new UserError($"the {Name} shell packs the UART's bytes into beats of bytes; a build compiled with --input-format bits has no board shell yet: compile it without")
        :
    [
        new("CLKS_PER_BIT", clocksPerBit ?? ClocksPerBit),
        new("INPUT_BYTES", manifest.InputBytes),
        new("INPUT_WIDTH", manifest.InputWidth),
        new("OUTPUT_WIDTH", manifest.OutputWidth),
        new("FIFO_DEPTH_LOG2", FifoDepthLog2(manifest.InputBytes)),
    ];

    /// <summary>A FIFO that holds a whole frame, so the UART never overruns while the core is busy.</summary>
    public static int FifoDepthLog2(int inputBytes) => Math.Max(2, BitWidth.CeilLog2(inputBytes));

    /// <summary>Seconds the UART needs for one frame and its answer (10 bits per byte).</summary>
    public double UartSecondsPerFrame(BuildManifest manifest) => (manifest.InputBytes + 1) * 10.0 / BaudRate;

    public static BoardShell Parse(string name, FpgaTarget target)
    {
        var shell = All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UserError($"--shell: unknown board shell '{name}'; expected one of {string.Join(", ", All.Select(s => s.Name))}");
        if (shell.Target != target)
            throw new UserError($"--shell {shell.Name} needs --target {shell.Target.Name} (the board's device), not {target.Name}");
        return shell;
    }
}
