using System.Numerics;
using HwFlow.Compiler.Hardware.Folding;
using HwFlow.Compiler.Hardware.Stages;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Graph;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The fast Walsh-Hadamard transform on the input bytes as add/subtract butterflies, PE values a
/// beat (element i in beat i / PE, lane i % PE), n/PE beats a frame. Bytes are gathered into beats,
/// padding beats are zeros, and each value takes its sign (a wired constant, or a bit from a ROM
/// of n/PE words) on the way in. A stage of span m &lt; PE pairs lanes within the beat; a stage of
/// span m &gt;= PE pairs beats m/PE apart with a delay-feedback line per lane (the single-path
/// delay-feedback form of the FFT): the first half of each 2m group is delayed, and as the second
/// half arrives the sums go out while the differences take their place in the line, to leave
/// during the next group's first half. Every stage is followed by a register; all of it advances
/// together on one step. Elements keep their frame's validity (a frame's last values leave during
/// the next frame, so when no frame follows, an invalid "bubble" frame pushes them out). The
/// post-ops (thresholds) run on the values that leave, into the output FIFO; a step is taken only
/// when its result will find room there. Each stage widens by one bit: no value wraps.
/// </summary>
public static class ButterflyNetwork
{
    public static (RtlModule Module, int Latency) Build(ModuleLibrary library, string name, TransformStage stage, LayerFolding folding)
    {
        var m = new ModuleBuilder(name);
        int n = stage.Size, lanes = folding.Pe, beats = n / lanes, inputBeats = stage.InputLength / lanes;
        var rst = m.Reset!;
        var inValid = m.Input("in_valid", 1);
        var inData = m.Input("in_data", 8);
        var step = m.Wire("step", 1);
        var room = m.Wire("room", 1);
        var busy = m.Wire("busy", 1);

        // the beat entering the first stage
        var (position, positionLast) = m.Counter("position", beats, step);
        var atStart = IsZero(m, position);
        var inputBeat = inputBeats == beats ? m.Const(1, 1) : m.Compare(RtlOp.LtU, position, m.Const(inputBeats, position.Width));

        var takeByte = m.Wire("take_byte", 1);
        var acceptByte = m.And(inValid, takeByte);
        RtlSignal byteLast, gatherEmpty, beatBytes;
        if (lanes > 1)
        {
            var (byteIndex, last) = m.Counter("byte", lanes, acceptByte);
            byteLast = last;
            gatherEmpty = IsZero(m, byteIndex);
            var gathered = m.Register("gather", (lanes - 1) * 8, useReset: false);
            beatBytes = m.Concat(inData, gathered);
            m.Next(gathered, m.Slice(beatBytes, 8, (lanes - 1) * 8), acceptByte);
        }
        else
        {
            byteLast = m.Const(1, 1);
            gatherEmpty = m.Const(1, 1);
            beatBytes = inData;
        }

        // a frame is real or a bubble, decided as it starts: a bubble when values wait inside and no byte is coming
        var bubbleRegister = m.Register("bubble", 1);
        var bubble = m.Mux(atStart, m.And(busy, m.And(gatherEmpty, m.Not(inValid))), bubbleRegister);
        m.Next(bubbleRegister, bubble, m.And(step, atStart));
        var needsBytes = m.And(m.Not(bubble), inputBeat);
        var beatReady = m.Mux(needsBytes, m.And(inValid, byteLast), m.Or(m.Not(inputBeat), BubblePace(m, stage, lanes, atStart, m.And(bubble, inputBeat), step)));
        m.Assign(step, m.And(beatReady, room));
        // a beat's last byte is taken as the beat steps; the others may be gathered ahead during padding
        m.Assign(takeByte, m.Or(m.And(needsBytes, m.Or(m.Not(byteLast), room)), m.And(m.Not(inputBeat), m.Not(byteLast))));
        m.Assign(m.Output("in_ready", 1), takeByte);

        // stage 0's input: each byte (or padding zero) with its sign
        var first = stage.Butterflies[0];
        int firstWidth = first.Type.Width;
        var signs = (first.Find("signs") as IntTensorAttr)?.Data;
        RtlSignal? signWord = null;
        if (signs is not null && beats > 1)
        {
            var words = Enumerable.Range(0, beats).Select(b =>
                Enumerable.Range(0, lanes).Aggregate(BigInteger.Zero, (w, l) => signs[(b * lanes) + l] < 0 ? w | (BigInteger.One << l) : w)).ToList();
            // read one step ahead: the word of the beat about to enter (not during reset, when the position stays 0)
            var next = m.Mux(positionLast, m.Const(0, position.Width), m.Add(position, m.Const(1, position.Width)));
            // one bit a word: a lookup table in logic is far smaller than a block RAM
            signWord = m.Rom("signs", lanes, words, m.Mux(m.And(step, m.Not(rst)), next, position), style: MemoryStyle.Logic);
        }
        var zero = m.Const(0, firstWidth);
        var values = new List<RtlSignal>();
        for (int l = 0; l < lanes; l++)
        {
            var x = m.Mux(needsBytes, m.ZeroExtend(m.Slice(beatBytes, l * 8, 8), firstWidth), zero);
            var negated = m.Sub(zero, x);
            values.Add(signWord is not null ? m.Mux(m.Bit(signWord, l), negated, x) : signs is not null && signs[l] < 0 ? negated : x);
        }
        RtlSignal valid = m.Not(bubble);
        bool signed = true;
        int latency = 0;

        for (int s = 0; s < stage.Butterflies.Count; s++)
        {
            var node = stage.Butterflies[s];
            int width = node.Type.Width, span = 1 << s;
            var x = values.Select(v => m.Fit(v, signed, width)).ToList();
            var outputs = new RtlSignal[lanes];
            RtlSignal outValid = valid;
            if (span < lanes)
            {
                for (int l = 0; l < lanes; l++)
                    outputs[l] = (l & span) == 0 ? m.Add(x[l], x[l + span]) : m.Sub(x[l - span], x[l]);
            }
            else
            {
                int depth = span / lanes;
                var counter = m.Register($"s{s}_position", BitWidth.ToIndex(beats), Mod(-latency, beats));
                var counterLast = m.Compare(RtlOp.Eq, counter, m.Const(beats - 1, counter.Width));
                m.Next(counter, m.Mux(counterLast, m.Const(0, counter.Width), m.Add(counter, m.Const(1, counter.Width))), step);
                var secondHalf = m.Bit(counter, BitWidth.CeilLog2(depth));
                var heads = DelayLine(m, $"s{s}_line", lanes, width, depth, step, out var push);
                var pushes = new RtlSignal[lanes];
                for (int l = 0; l < lanes; l++)
                {
                    var head = m.Slice(heads, l * width, width);
                    pushes[l] = m.Mux(secondHalf, m.Sub(head, x[l]), x[l]);
                    outputs[l] = m.Mux(secondHalf, m.Add(head, x[l]), head);
                }
                m.Assign(push, m.Concat([.. pushes.Reverse()]));
                // what leaves belongs to the frame entering now (second half) or to the one before
                var atZero = IsZero(m, counter);
                var current = m.Register($"s{s}_frame_valid", 1);
                var previous = m.Register($"s{s}_previous_valid", 1);
                var currentNow = m.Mux(atZero, valid, current);
                var previousNow = m.Mux(atZero, current, previous);
                m.Next(current, valid, m.And(step, atZero));
                m.Next(previous, current, m.And(step, atZero));
                outValid = m.Mux(m.Compare(RtlOp.LtU, counter, m.Const(depth, counter.Width)), previousNow, currentNow);
                latency += depth;
            }
            values = [.. outputs.Select(o => m.Hold(o, step, $"s{s}_value"))];
            var validRegister = m.Register($"s{s}_valid", 1);
            m.Next(validRegister, outValid, step);
            valid = validRegister;
            signed = true;
            latency += 1;
        }

        // the values leaving at a step, latched for the post-ops; their position in the frame addresses the post-op constants a cycle ahead
        var outPosition = m.Register("out_position", BitWidth.ToIndex(beats), Mod(-latency, beats));
        var outLast = m.Compare(RtlOp.Eq, outPosition, m.Const(beats - 1, outPosition.Width));
        m.Next(outPosition, m.Mux(outLast, m.Const(0, outPosition.Width), m.Add(outPosition, m.Const(1, outPosition.Width))), step);
        var leave = m.And(step, valid);
        var latched = values.Select(v => m.Hold(v, step, "leaving")).ToList();
        var post = new PostOpUnit(stage.PostOps, lanes, beats);
        var (results, postValid, postLatency) = post.Build(m, latched, stage.Last.Type, outPosition, m.DelayReset(leave, 1, "leaving_valid"), 1);
        int pipelineLatency = 1 + postLatency;
        var output = new StageOutput(m, library, lanes * stage.OutputWidth, pipelineLatency, 1, postValid, m.Concat([.. results.AsEnumerable().Reverse()]));
        m.Assign(room, m.Or(m.Not(valid), output.Credit));
        output.Track(m, leave);

        // values inside: +1 for a beat of a real frame entering, -1 for one leaving
        int countWidth = BitWidth.ToHold(latency + beats + 1);
        var inside = m.Register("inside", countWidth);
        var one = m.Const(1, countWidth);
        var zeroCount = m.Const(0, countWidth);
        m.Next(inside, m.Sub(m.Add(inside, m.Mux(m.And(step, m.Not(bubble)), one, zeroCount)), m.Mux(leave, one, zeroCount)));
        m.Assign(busy, m.Not(IsZero(m, inside)));
        return (m.Build(), latency + pipelineLatency);
    }

    /// <summary>
    /// A bubble frame's byte beats take as long as a real frame's (the first one is shorter by the
    /// bytes gathered ahead during padding), so the last frame leaves at the same interval as the others.
    /// </summary>
    private static RtlSignal BubblePace(ModuleBuilder m, TransformStage stage, int lanes, RtlSignal atStart, RtlSignal pacing, RtlSignal step)
    {
        if (lanes == 1) return m.Const(1, 1);
        int padding = (stage.Size - stage.InputLength) / lanes;
        int firstBeat = lanes - Math.Min(lanes - 1, padding);
        int width = BitWidth.ToIndex(lanes);
        var pace = m.Register("bubble_pace", width);
        var done = m.Compare(RtlOp.Eq, pace, m.Mux(atStart, m.Const(firstBeat - 1, width), m.Const(lanes - 1, width)));
        m.Next(pace, m.Mux(m.And(pacing, m.Not(step)), m.Add(pace, m.Const(1, width)), m.Const(0, width)));
        return done;
    }

    /// <summary>
    /// Lanes delay lines of <paramref name="depth"/> values, advancing on <paramref name="step"/>:
    /// returns the heads (the words pushed depth steps ago) and the push word to connect. Short
    /// lines are registers; longer ones a RAM read one step ahead (its registered read then holds the head).
    /// </summary>
    private static RtlSignal DelayLine(ModuleBuilder m, string name, int lanes, int width, int depth, RtlSignal step, out RtlSignal push)
    {
        push = m.Wire(name + "_push", lanes * width);
        if (TransformResources.InRegisters(depth, lanes * width))
        {
            RtlSignal value = push;
            for (int i = 0; i < depth; i++) value = m.Hold(value, step, name);
            return value;
        }
        var (pointer, pointerLast) = m.Counter(name + "_slot", depth, step);
        var next = m.Mux(pointerLast, m.Const(0, pointer.Width), m.Add(pointer, m.Const(1, pointer.Width)));
        return m.Ram(name, lanes * width, depth, next, step, pointer, push, step);
    }

    private static RtlSignal IsZero(ModuleBuilder m, RtlSignal value) => m.Compare(RtlOp.Eq, value, m.Const(0, value.Width));

    private static BigInteger Mod(int value, int modulus) => ((value % modulus) + modulus) % modulus;
}
