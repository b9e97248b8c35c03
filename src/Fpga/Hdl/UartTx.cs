namespace HwFlow.Fpga.Hdl;

/// <summary>
/// Cycle-exact model of hdl/uart_tx.v (8N1 transmitter with a ready/valid byte input). Read
/// <see cref="Ready"/> and <see cref="Tx"/> before a <see cref="Clock"/> edge, as the Verilog's
/// outputs during that cycle. A test simulates both and compares every cycle.
/// </summary>
public sealed class UartTx
{
    private readonly int _clocksPerBit;
    private int _shifter = 0x3ff;
    private int _bitsLeft;
    private int _count;

    public UartTx(int clocksPerBit)
    {
        if (clocksPerBit < 1) throw new ArgumentOutOfRangeException(nameof(clocksPerBit), "a bit must last at least 1 clock cycle");
        _clocksPerBit = clocksPerBit;
    }

    /// <summary>The input takes a byte at the next edge if valid (s_tready).</summary>
    public bool Ready => _bitsLeft == 0;

    /// <summary>The line: idle high, then start bit, 8 data bits (least significant first), stop bit.</summary>
    public bool Tx => (_shifter & 1) != 0;

    public void Clock(bool rst, byte data, bool valid)
    {
        if (rst)
        {
            _shifter = 0x3ff;
            _bitsLeft = 0;
            _count = 0;
        }
        else if (_bitsLeft == 0)
        {
            if (!valid) return;
            _shifter = 0x200 | (data << 1);
            _bitsLeft = 10;
            _count = 0;
        }
        else if (_count == _clocksPerBit - 1)
        {
            _count = 0;
            _shifter = 0x200 | (_shifter >> 1);
            _bitsLeft--;
        }
        else _count++;
    }
}
