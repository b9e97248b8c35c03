namespace HwFlow.Fpga.Hdl;

/// <summary>
/// Cycle-exact model of hdl/uart_rx.v (8N1 receiver with a two-flip-flop synchronizer, a
/// start-bit glitch filter and mid-bit sampling). Each <see cref="Clock"/> is one rising edge;
/// the properties are the registered outputs after it. Keep it in step with the Verilog: a
/// test simulates both on the same line and compares every cycle.
/// </summary>
public sealed class UartRx
{
    private enum State { Idle, Start, Data, Stop }

    private readonly int _clocksPerBit;
    private bool _rxMeta = true;
    private bool _rxSync = true;
    private State _state;
    private int _count;
    private int _bitIndex;

    public UartRx(int clocksPerBit)
    {
        if (clocksPerBit < 2) throw new ArgumentOutOfRangeException(nameof(clocksPerBit), "a bit must last at least 2 clock cycles");
        _clocksPerBit = clocksPerBit;
    }

    public byte Data { get; private set; }

    /// <summary>High for one cycle when <see cref="Data"/> holds a newly received byte.</summary>
    public bool Valid { get; private set; }

    /// <summary>High for one cycle when a frame ended with a low stop bit (the byte is dropped).</summary>
    public bool FrameError { get; private set; }

    public void Clock(bool rst, bool rx)
    {
        if (rst)
        {
            _rxMeta = _rxSync = true;
            _state = State.Idle;
            _count = _bitIndex = 0;
            Data = 0;
            Valid = FrameError = false;
            return;
        }
        var sample = _rxSync;
        _rxSync = _rxMeta;
        _rxMeta = rx;
        Valid = FrameError = false;
        switch (_state)
        {
            case State.Idle:
                _count = 0;
                if (!sample) _state = State.Start;
                break;
            case State.Start:
                if (_count == (_clocksPerBit - 1) / 2)
                {
                    _count = 0;
                    _bitIndex = 0;
                    _state = sample ? State.Idle : State.Data;
                }
                else _count++;
                break;
            case State.Data:
                if (_count == _clocksPerBit - 1)
                {
                    _count = 0;
                    Data = (byte)((Data >> 1) | (sample ? 0x80 : 0));
                    if (_bitIndex == 7) _state = State.Stop;
                    _bitIndex = (_bitIndex + 1) & 7;
                }
                else _count++;
                break;
            case State.Stop:
                if (_count == _clocksPerBit - 1)
                {
                    _count = 0;
                    Valid = sample;
                    FrameError = !sample;
                    _state = State.Idle;
                }
                else _count++;
                break;
        }
    }
}
