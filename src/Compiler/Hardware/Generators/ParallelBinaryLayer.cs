using HwFlow.Compiler.Hardware.Compression;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// A fully parallel binarized layer decided by thresholds (PE = outputs, SIMD = inputs: one
/// fold, a whole frame a cycle). Its weights are wired in: an XNOR with a constant bit is a wire
/// or an inverter that the compressor tree's first level absorbs, so each neuron is one
/// compressor tree over the activation bits (some inverted) plus the constant -T, and its bit is
/// the sign of that sum (<see cref="ThresholdFolding"/>). No weight memory, no fold counters, no
/// ping-pong banks: a frame that arrives in one beat goes straight into the pipeline's input
/// register; one that spans beats (the input stream) is shifted into a single frame register,
/// which the input register empties the cycle it is full, so the next frame's beats keep coming.
/// The tree is registered every <see cref="LevelsPerStage"/> counter levels.
/// Pipeline: issue (frame register to input register) | tree stages | output bits into the FIFO.
/// </summary>
public static class ParallelBinaryLayer
{
    /// <summary>Compressor levels between pipeline registers inside a neuron's tree.</summary>
    public const int LevelsPerStage = 3;

    /// <summary>Whether the layer at this folding is built here: a threshold-decided binary layer at one fold, not convolutional.</summary>
    public static bool Builds(MvuStage stage, LayerFolding folding) =>
        !stage.IsDense && !stage.IsPlane && stage.Window is null && stage.Pool is null && stage.Pixels == 1
        && folding.Pe == stage.Outputs && folding.Simd == stage.Inputs && stage.Prep is { Factor: FactorKind.None, Planes: 1, StoresElements: false, InputLevels: null }
        && ThresholdFolding.Of(stage) is not null;

    /// <param name="lanes">Elements a beat carries (the producer's PE, the input bytes or bits a beat).</param>
    /// <param name="fillElements">Elements the producer sends per frame (at least the layer's inputs; the rest are never read).</param>
    public static (RtlModule Module, int Latency) Build(ModuleLibrary library, string name, MvuStage stage, int lanes, int fillElements, GraphType elementType, HardwareOptions options)
    {
        var fold = ThresholdFolding.Of(stage) ?? throw new InvalidOperationException($"{stage.Name} is not decided by thresholds");
        var prep = stage.Prep!;
        int inputs = stage.Inputs, outputs = stage.Outputs;
        if (fillElements % lanes != 0 || fillElements < inputs)
            throw new InvalidOperationException($"{stage.Name}: {fillElements} elements a frame do not split into beats of {lanes} covering its {inputs} inputs");
        var m = new ModuleBuilder(name);
        var inValid = m.Input("in_valid", 1);
        int elementWidth = prep.ElementsAreBits ? 1 : elementType.Width;
        var inData = m.Input("in_data", lanes * elementWidth);
        var issue = m.Wire("issue", 1);
        var inReady = m.Wire("accept_ready", 1);
        m.Assign(m.Output("in_ready", 1), inReady);
        var accept = m.And(inValid, inReady);
        var beatBits = m.Concat([.. Enumerable.Range(0, lanes).Select(l => ToBit(m, m.Slice(inData, l * elementWidth, elementWidth), prep, elementType)).Reverse()]);

        // the frame's bits: the beat itself, or a shift register filled over the frame's beats
        int beats = fillElements / lanes;
        RtlSignal frameBits, frameReady;
        int issueDelay;
        if (beats == 1)
        {
            frameBits = beatBits;
            frameReady = inValid;
            issueDelay = 0;
        }
        else
        {
            var frame = m.Register("frame", fillElements, useReset: false);
            m.Next(frame, m.Concat(beatBits, m.Slice(frame, lanes, fillElements - lanes)), accept);
            var (_, lastBeat) = m.Counter("fill_beat", beats, accept);
            var full = m.Register("frame_full", 1);
            m.Next(full, m.Or(m.And(accept, lastBeat), m.And(full, m.Not(issue))));
            frameBits = frame;
            frameReady = full;
            issueDelay = 1;
        }

        // S1: the frame's bits in the pipeline's input register
        var bits1 = m.Hold(m.Slice(frameBits, 0, inputs), issue, "s1_bits");
        var valid1 = m.DelayReset(issue, 1, "s1_valid");

        int width = BitWidth.ToHoldSigned(-(inputs + 1), inputs);
        var weights = BeatWeights.Build(m, stage.Mvu.IntTensor("weights"), outputs, inputs, m.Const(0, 1), options, fold.Inverted, stage.RealInputs);
        if (!weights.Wired) throw new InvalidOperationException($"{stage.Name}: a one-fold layer's weights are one constant word");
        var trees = new List<(RtlSignal Fires, int Latency)>();
        for (int p = 0; p < outputs; p++)
        {
            var sum = new ColumnSum(width);
            for (int l = 0; l < inputs; l++) weights.AddPair(m, sum, 0, m.Bit(bits1, l), p, l, PairOp.Xnor);
            sum.AddConstant(-fold.Thresholds[p]);
            var (total, latency) = CompressorTree.Build(m, sum, options.Fabric, $"pop{p}", LevelsPerStage);
            trees.Add((m.Not(m.Bit(total, width - 1)), latency));
        }
        // neurons with other thresholds may have trees a level shorter: all results leave together
        int treeLatency = trees.Max(t => t.Latency);
        var fires = trees.Select(t => m.Delay(t.Fires, treeLatency - t.Latency, "s2_align")).ToList();
        var pushValid = m.DelayReset(valid1, treeLatency + 1, "out_valid");
        var pushData = m.Delay(m.Concat([.. fires.AsEnumerable().Reverse()]), 1, "out_bits");

        int pipelineLatency = 2 + treeLatency;
        var output = new StageOutput(m, library, outputs * stage.OutputWidth, pipelineLatency, 1, pushValid, pushData);
        m.Assign(issue, m.And(frameReady, output.Credit));
        // a single-beat frame is taken when it issues; a multi-beat one while the frame register is not full or empties now
        m.Assign(inReady, beats == 1 ? output.Credit : m.Or(m.Not(frameReady), issue));
        output.Track(m, issue);
        // measured from the frame's last beat taken; the fold's one issue cycle is counted by the caller
        return (m.Build(), issueDelay + pipelineLatency - 1);
    }

    /// <summary>An incoming element as its activation bit: the bit itself, or the byte compared with the layer's input threshold.</summary>
    private static RtlSignal ToBit(ModuleBuilder m, RtlSignal element, InputPrep prep, GraphType elementType)
    {
        if (prep.ElementsAreBits) return element;
        return BinaryInputBuffer.AtLeast(m, element, elementType.Kind == ValueKind.Int && elementType.Min < 0, prep.BitThreshold);
    }
}
