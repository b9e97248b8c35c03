using HwFlow.Runtime.Numerics;

namespace HwFlow.Fpga.Tests;

/// <summary>A UART line, one level per clock cycle, with the imperfections a real line has.</summary>
public sealed class UartWaveform
{
    private readonly List<bool> _line = [];

    /// <summary>The bytes a correct receiver must deliver, in order.</summary>
    public List<byte> Delivered { get; } = [];

    public IReadOnlyList<bool> Line => _line;

    public void Idle(int cycles) => _line.AddRange(Enumerable.Repeat(true, cycles));

    /// <summary>An 8N1 frame whose bits last <paramref name="clocksPerBit"/> cycles (a sender's clock may be off by a cycle).</summary>
    public void Byte(byte value, int clocksPerBit, bool stopBit = true)
    {
        Bit(false, clocksPerBit);
        for (var i = 0; i < 8; i++) Bit(((value >> i) & 1) != 0, clocksPerBit);
        Bit(stopBit, clocksPerBit);
        if (stopBit) Delivered.Add(value);
    }

    /// <summary>A low pulse shorter than half a bit: noise, not a start bit.</summary>
    public void Glitch(int cycles) => Bit(false, cycles);

    private void Bit(bool level, int cycles) => _line.AddRange(Enumerable.Repeat(level, cycles));

    /// <summary>
    /// Random traffic: clean bytes, idle gaps, glitches, and frames with a bad stop bit. With 24 or
    /// more cycles per bit, a byte's bits may also be a cycle longer or shorter (a sender whose
    /// clock is off by up to 4%, within what 8N1 tolerates).
    /// </summary>
    public static UartWaveform Random(int bytes, int clocksPerBit, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var wave = new UartWaveform();
        wave.Idle(8);
        for (var i = 0; i < bytes; i++)
        {
            wave.Idle(rng.NextInt(3 * clocksPerBit));
            switch (rng.NextInt(10))
            {
                case 0:
                    wave.Glitch(1 + rng.NextInt(Math.Max(1, (clocksPerBit - 1) / 2 - 1)));
                    wave.Idle(clocksPerBit);
                    break;
                case 1:
                    wave.Byte((byte)rng.NextUInt64(), clocksPerBit, stopBit: false);
                    wave.Idle(2 * clocksPerBit);
                    break;
                default:
                    var skew = clocksPerBit >= 24 ? rng.NextInt(3) - 1 : 0;
                    wave.Byte((byte)rng.NextUInt64(), clocksPerBit + skew);
                    break;
            }
        }
        wave.Idle(12 * clocksPerBit);
        return wave;
    }
}
