namespace HwFlow.Fpga.Hdl;

/// <summary>
/// Cycle-exact model of hdl/stream_fifo.v: 2^depthLog2 words of storage with one synchronous
/// read port, plus the output register. Read the outputs before a <see cref="Clock"/> edge, as
/// the Verilog's during that cycle. A test simulates both and compares every cycle.
/// </summary>
public sealed class StreamFifo
{
    private readonly ulong[] _storage;
    private readonly ulong _mask;
    private int _writeAddress;
    private int _readAddress;
    private int _stored;

    public StreamFifo(int width, int depthLog2)
    {
        if (width is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(width), "1 to 64 bits");
        if (depthLog2 is < 1 or > 20) throw new ArgumentOutOfRangeException(nameof(depthLog2), "1 to 20");
        _storage = new ulong[1 << depthLog2];
        _mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
    }

    public int Depth => _storage.Length;

    /// <summary>s_tready: the storage has room.</summary>
    public bool InReady => _stored != Depth;

    /// <summary>m_tvalid and m_tdata (the data means something only while valid).</summary>
    public bool OutValid { get; private set; }

    public ulong OutData { get; private set; }

    /// <summary>Words held, in the storage and the output register.</summary>
    public int Count => _stored + (OutValid ? 1 : 0);

    public void Clock(bool rst, ulong inData, bool inValid, bool outReady)
    {
        var write = inValid && InReady;
        var read = _stored != 0 && (!OutValid || outReady);
        // The storage and its read register have no reset, as in the Verilog (so yosys can use block RAM).
        if (read) OutData = _storage[_readAddress];
        if (write) _storage[_writeAddress] = inData & _mask;
        if (rst)
        {
            _writeAddress = _readAddress = _stored = 0;
            OutValid = false;
            return;
        }
        if (write) _writeAddress = (_writeAddress + 1) % Depth;
        if (read) _readAddress = (_readAddress + 1) % Depth;
        _stored += (write ? 1 : 0) - (read ? 1 : 0);
        if (read) OutValid = true;
        else if (outReady) OutValid = false;
    }
}
