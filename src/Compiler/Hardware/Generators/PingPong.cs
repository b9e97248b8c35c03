using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// Ownership of two input buffers: the fill side writes bank Fill while the compute side reads
/// bank Read. A bank is full from the fill side's last write of a frame until the compute side's
/// last read of it, so both sides run at full rate and swap banks without a bubble.
/// </summary>
public sealed class PingPong
{
    public PingPong(ModuleBuilder m, string name)
    {
        Full0 = m.Register(name + "_full0", 1);
        Full1 = m.Register(name + "_full1", 1);
        Fill = m.Register(name + "_fill", 1);
        Read = m.Register(name + "_read", 1);
        FillBankFull = m.Mux(Fill, Full1, Full0);
        ReadBankFull = m.Mux(Read, Full1, Full0);
    }

    public RtlSignal Full0 { get; }
    public RtlSignal Full1 { get; }

    /// <summary>The bank the fill side writes (0 or 1).</summary>
    public RtlSignal Fill { get; }

    /// <summary>The bank the compute side reads.</summary>
    public RtlSignal Read { get; }

    public RtlSignal FillBankFull { get; }
    public RtlSignal ReadBankFull { get; }

    /// <summary>Connects the flags: <paramref name="filled"/> marks the fill bank full, <paramref name="drained"/> frees the read bank.</summary>
    public void Connect(ModuleBuilder m, RtlSignal filled, RtlSignal drained) =>
        Connect(m, filled, m.And(filled, m.Not(Fill)), m.And(filled, Fill), drained);

    /// <summary>
    /// Connects the flags when a bank becomes full later than the fill side moves on (its last
    /// write lands a cycle after the last beat): <paramref name="advance"/> moves the fill side to
    /// the other bank, <paramref name="set0"/>/<paramref name="set1"/> mark a bank full.
    /// </summary>
    public void Connect(ModuleBuilder m, RtlSignal advance, RtlSignal set0, RtlSignal set1, RtlSignal drained)
    {
        var readIs1 = Read;
        var clear0 = m.And(drained, m.Not(readIs1));
        var clear1 = m.And(drained, readIs1);
        m.Next(Full0, m.Or(set0, m.And(Full0, m.Not(clear0))));
        m.Next(Full1, m.Or(set1, m.And(Full1, m.Not(clear1))));
        m.Next(Fill, m.Not(Fill), advance);
        m.Next(Read, m.Not(Read), drained);
    }

    /// <summary>True when bank <paramref name="bank"/> is the one selected by <paramref name="select"/>.</summary>
    public static RtlSignal Is(ModuleBuilder m, RtlSignal select, int bank) => bank == 1 ? select : m.Not(select);
}
