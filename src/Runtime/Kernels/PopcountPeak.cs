using System.Diagnostics;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HwFlow.Runtime.Kernels;

/// <summary>One core's binary-product peak and clock, measured in the same process and run as a benchmark.</summary>
/// <param name="Ghz">The clock: a chain of dependent 64-bit adds retires one per cycle.</param>
/// <param name="TriplesPerCycle">Independent 512-bit XOR + VPOPCNTQ + VPADDQ triples retired per cycle (registers only).</param>
public sealed record PopcountPeak(double Ghz, double TriplesPerCycle)
{
    /// <summary>Bit-products per cycle at the peak: 512 per triple.</summary>
    public double BitProductsPerCycle => TriplesPerCycle * 512;

    /// <summary>Bit-products per second on one core.</summary>
    public double BitProductsPerSecond => BitProductsPerCycle * Ghz * 1e9;

    /// <summary>
    /// Runs both loops (generated machine code, like the kernels) in short bursts (about 2 ms and
    /// 0.5 ms) and keeps each one's fastest: on a shared machine a burst can only be slowed, never
    /// sped up, and short bursts often run without being preempted.
    /// </summary>
    public static unsafe PopcountPeak Measure(int bursts = 60)
    {
        var chain = (delegate* unmanaged<long, void>)Chain.Value;
        var triples = (delegate* unmanaged<long, void>)Triples.Value;
        const long ChainIterations = 2_000_000, TripleIterations = 250_000;
        double chainSeconds = double.MaxValue, tripleSeconds = double.MaxValue;
        for (int b = 0; b < bursts; b++)
        {
            var watch = Stopwatch.StartNew();
            chain(ChainIterations);
            chainSeconds = Math.Min(chainSeconds, watch.Elapsed.TotalSeconds);
            watch.Restart();
            triples(TripleIterations);
            tripleSeconds = Math.Min(tripleSeconds, watch.Elapsed.TotalSeconds);
        }
        double hz = 4.0 * ChainIterations / chainSeconds;
        return new PopcountPeak(hz / 1e9, 8.0 * TripleIterations / tripleSeconds / hz);
    }

    private static readonly Lazy<nint> Chain = new(() => Generate(a =>
    {
        for (int i = 0; i < 4; i++) a.add(rax, 1);
    }));

    private static readonly Lazy<nint> Triples = new(() => Generate(a =>
    {
        var z = PopcountCode.Z;
        for (int i = 0; i < 8; i++)
        {
            a.vpxorq(z[i], zmm30, zmm31);
            a.vpopcntq(z[i], z[i]);
            a.vpaddq(z[16 + i], z[16 + i], z[i]);
        }
    }));

    /// <summary>A function of one argument (rdi = iterations) that runs <paramref name="body"/> that many times.</summary>
    private static nint Generate(Action<Assembler> body)
    {
        var a = new Assembler(64);
        var loop = a.CreateLabel();
        a.xor(eax, eax);
        a.Label(ref loop);
        body(a);
        a.dec(rdi);
        a.jnz(loop);
        a.vzeroupper();
        a.ret();
        return Native.ExecutableCode.Place(a);
    }
}
