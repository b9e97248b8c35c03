using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The output side of a matrix-vector stage: a FIFO of PE-wide beats and the credit that lets
/// the issue logic start a neuron fold's last beat only if its result will find room in the FIFO
/// (counting results still in the pipeline), so the pipeline itself never stalls.
/// </summary>
public sealed class StageOutput
{
    private readonly RtlSignal _inflight;
    private readonly IReadOnlyDictionary<string, RtlSignal> _fifo;
    private readonly int _countWidth;

    /// <summary>
    /// The output of a folded matrix-vector unit (dense, binary or bit-plane): a beat issues while
    /// the read bank is full, a neuron fold's last beat only with credit, and each such beat is
    /// tracked as a result in flight.
    /// </summary>
    public static void ForMvu(ModuleBuilder m, ModuleLibrary library, int width, int pipelineLatency, FoldCounters loops,
        RtlSignal pushValid, RtlSignal pushData, RtlSignal issue, RtlSignal readBankFull)
    {
        var output = new StageOutput(m, library, width, pipelineLatency, loops.SynapseFolds, pushValid, pushData);
        m.Assign(issue, m.And(readBankFull, m.Or(m.Not(loops.SynapseLast), output.Credit)));
        output.Track(m, m.And(issue, loops.SynapseLast));
    }

    /// <param name="beatsPerResult">Beats issued per result (a neuron fold's Inputs/SIMD): results enter the pipeline at most that often.</param>
    public StageOutput(ModuleBuilder m, ModuleLibrary library, int width, int pipelineLatency, int beatsPerResult, RtlSignal pushValid, RtlSignal pushData)
    {
        // At most ceil(latency / beatsPerResult) results are in flight; two more slots keep the
        // issue going at full rate while the consumer takes one a cycle. Registers are costly on
        // small FPGAs, so no deeper than that.
        Depth = ((pipelineLatency + beatsPerResult - 1) / beatsPerResult) + 2;
        var fifoModule = library.GetOrAdd(StreamFifo.ModuleName(width, Depth), () => StreamFifo.Build(width, Depth));
        var outReady = m.Input("out_ready", 1);
        _fifo = m.Instantiate(fifoModule, "out_fifo", new Dictionary<string, RtlSignal>
        {
            ["in_valid"] = pushValid,
            ["in_data"] = pushData,
            ["out_ready"] = outReady,
        });
        m.Assign(m.Output("out_valid", 1), _fifo["out_valid"]);
        m.Assign(m.Output("out_data", width), _fifo["out_data"]);
        _countWidth = BitWidth.ToHold(Depth + pipelineLatency + 1);
        _inflight = m.Register("inflight", _countWidth);
        Push = m.And(pushValid, _fifo["in_ready"]);
        var used = m.Add(m.ZeroExtend(_fifo["count"], _countWidth), _inflight);
        Credit = m.Compare(RtlOp.LtU, used, m.Const(Depth, _countWidth));
    }

    public int Depth { get; }

    /// <summary>High when one more result fits: issue a fold's last beat only then.</summary>
    public RtlSignal Credit { get; }

    public RtlSignal Push { get; }

    /// <summary>Counts results in flight: +1 when a fold's last beat issues, -1 when a result enters the FIFO.</summary>
    public void Track(ModuleBuilder m, RtlSignal issuedLast)
    {
        var one = m.Const(1, _countWidth);
        var next = m.Sub(m.Add(_inflight, m.Mux(issuedLast, one, m.Const(0, _countWidth))), m.Mux(Push, one, m.Const(0, _countWidth)));
        m.Next(_inflight, next);
    }
}
