using HwFlow.Compiler.Rtl;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The loop nest of a folded matrix-vector unit: SF = Inputs/SIMD beats per neuron fold, NF =
/// Outputs/PE folds per frame; the weight address runs through all NF * SF beats in order.
/// </summary>
public sealed class FoldCounters
{
    public FoldCounters(ModuleBuilder m, int inputs, int outputs, int pe, int simd, RtlSignal issue)
    {
        SynapseFolds = inputs / simd;
        NeuronFolds = outputs / pe;
        (Synapse, SynapseLast) = m.Counter("sf", SynapseFolds, issue);
        (Neuron, NeuronLast) = m.Counter("nf", NeuronFolds, m.And(issue, SynapseLast));
        FrameLast = m.And(SynapseLast, NeuronLast);
        (WeightAddress, _) = m.Counter("waddr", (long)SynapseFolds * NeuronFolds, issue);
        NeuronFirst = m.Compare(RtlOp.Eq, Synapse, m.Const(0, Synapse.Width));
    }

    public int SynapseFolds { get; }
    public int NeuronFolds { get; }
    public RtlSignal Synapse { get; }
    public RtlSignal SynapseLast { get; }
    public RtlSignal Neuron { get; }
    public RtlSignal NeuronLast { get; }
    public RtlSignal NeuronFirst { get; }
    public RtlSignal FrameLast { get; }
    public RtlSignal WeightAddress { get; }
}
