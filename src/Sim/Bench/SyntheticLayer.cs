using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Sim.Bench;

/// <summary>
/// A stand-in workload with the build folder's AXI4-Stream top, shaped like a layer of the
/// fmnist MLP: input bytes are gathered <c>simd</c> at a time into a RAM, then for each fold
/// <c>pe</c> lanes combine <c>simd</c> inputs with ROM weight bits, accumulate, compare with a
/// threshold and shift the result bits out; the output is the number of ones. Two flavours:
/// add/subtract of bytes with adder trees (layer 0, real x binary), or XNOR-popcount of input
/// bits (tdata[7]) for a binary x binary layer. It exists to benchmark and co-simulate before
/// the real compiler lands; <see cref="Expected"/> is its golden model.
/// </summary>
public static class SyntheticLayer
{
    public sealed record Shape(int InputBytes, int Simd, int Pe, int Outputs, bool Binary = false, ulong Seed = 1)
    {
        /// <summary>Bits stored per input: the byte, or its top bit for a binary layer.</summary>
        public int InputBits => Binary ? 1 : 8;

        public int SynapseFolds => InputBytes / Simd;
        public int NeuronFolds => Outputs / Pe;

        /// <summary>One byte per cycle in, one cycle per fold, one to drain the read pipeline, one to hand the result over.</summary>
        public long CyclesPerFrame => InputBytes + (SynapseFolds * NeuronFolds) + 2;
    }

    public static RtlDesign Design(Shape shape)
    {
        int s = shape.Simd, p = shape.Pe, sf = shape.SynapseFolds, nf = shape.NeuronFolds;
        if (shape.InputBytes % s != 0 || shape.Outputs % p != 0) throw new ArgumentException("SIMD must divide the inputs and PE the outputs");
        int accWidth = 8 + BitWidth.ToIndex(shape.InputBytes) + 1;
        var weights = Weights(shape);
        var m = new ModuleBuilder("hwflow_top");
        var tdata = m.Input("s_axis_tdata", 8);
        var tvalid = m.Input("s_axis_tvalid", 1);
        var tready = m.Output("s_axis_tready", 1);
        var tlast = m.Input("s_axis_tlast", 1);
        var mdata = m.Output("m_axis_tdata", 8);
        var mvalid = m.Output("m_axis_tvalid", 1);
        var mready = m.Input("m_axis_tready", 1);

        // States: 0 load, 1 compute, 2 drain the pipeline, 3 present the result.
        var state = m.Register("state", 2);
        bool Is(int v, out RtlSignal signal) { signal = m.Compare(RtlOp.Eq, state, m.Const(v, 2)); return true; }
        Is(0, out var loading); Is(1, out var computing); Is(2, out var draining); Is(3, out var presenting);
        var fire = m.And(tvalid, loading);
        m.Assign(tready, loading);

        int bits = shape.InputBits;
        var gather = m.Register("gather", bits * s);
        var incoming = shape.Binary ? m.Bit(tdata, 7) : tdata;
        var shifted = s == 1 ? incoming : m.Concat(incoming, m.Slice(gather, bits, bits * (s - 1)));
        m.Next(gather, shifted, fire);
        var lane = m.Register("lane", BitWidth.ToIndex(s));
        var laneFull = m.Compare(RtlOp.Eq, lane, m.Const(s - 1, lane.Width));
        m.Next(lane, m.Mux(laneFull, m.Const(0, lane.Width), m.Add(lane, m.Const(1, lane.Width))), fire);
        var writeAddress = m.Register("waddr", BitWidth.ToIndex(sf));
        m.Next(writeAddress, m.Mux(tlast, m.Const(0, writeAddress.Width), m.Add(writeAddress, m.Const(1, writeAddress.Width))), m.And(fire, laneFull));

        var synapse = m.Register("sf", BitWidth.ToIndex(sf));
        var weightAddress = m.Register("waddr_rom", BitWidth.ToIndex(sf * nf));
        var lastSynapse = m.Compare(RtlOp.Eq, synapse, m.Const(sf - 1, synapse.Width));
        var lastWeight = m.Compare(RtlOp.Eq, weightAddress, m.Const((sf * nf) - 1, weightAddress.Width));
        m.Next(synapse, m.Mux(lastSynapse, m.Const(0, synapse.Width), m.Add(synapse, m.Const(1, synapse.Width))), computing);
        m.Next(weightAddress, m.Mux(lastWeight, m.Const(0, weightAddress.Width), m.Add(weightAddress, m.Const(1, weightAddress.Width))), computing);

        var x = m.Ram("frame", bits * s, sf, synapse, computing, writeAddress, shifted, m.And(fire, laneFull));
        var w = m.Rom("weights", s * p, weights, weightAddress, computing);
        // The read data arrives one cycle after the address: delay the fold markers to match.
        var valid1 = m.Register("valid1", 1);
        var first1 = m.Register("first1", 1);
        var last1 = m.Register("last1", 1);
        m.Next(valid1, computing);
        m.Next(first1, m.Compare(RtlOp.Eq, synapse, m.Const(0, synapse.Width)));
        m.Next(last1, lastSynapse);

        var resultBits = new List<RtlSignal>();
        var terms = shape.Binary ? [] : Enumerable.Range(0, s).Select(i => m.ZeroExtend(m.Slice(x, 8 * i, 8), accWidth)).ToList();
        var negated = terms.Select(t => m.Sub(m.Const(0, accWidth), t)).ToList();
        for (int lanePe = 0; lanePe < p; lanePe++)
        {
            RtlSignal contribution;
            if (shape.Binary)
            {
                contribution = m.ZeroExtend(m.Popcount(m.Not(m.Xor(m.Slice(w, lanePe * s, s), x))), accWidth);
            }
            else
            {
                var signed = Enumerable.Range(0, s).Select(i => m.Mux(m.Bit(w, (lanePe * s) + i), terms[i], negated[i])).ToList();
                while (signed.Count > 1)
                    signed = [.. Enumerable.Range(0, (signed.Count + 1) / 2).Select(i => 2 * i + 1 < signed.Count ? m.Add(signed[2 * i], signed[2 * i + 1]) : signed[2 * i])];
                contribution = signed[0];
            }
            var acc = m.Register($"acc{lanePe}", accWidth);
            var sum = m.Add(m.Mux(first1, m.Const(0, accWidth), acc), contribution);
            m.Next(acc, sum, valid1);
            resultBits.Add(m.Compare(RtlOp.LeS, m.Const(Threshold(shape, lanePe, accWidth), accWidth), sum));
        }
        var result = m.Register("result", shape.Outputs);
        var fresh = m.Concat([.. Enumerable.Reverse(resultBits)]);
        m.Next(result, shape.Outputs == p ? fresh : m.Concat(fresh, m.Slice(result, p, shape.Outputs - p)), m.And(valid1, last1));

        var outputCount = m.Popcount(result);
        m.Assign(mdata, m.Resize(outputCount, 8, signed: false));
        m.Assign(mvalid, presenting);
        var doneComputing = m.And(computing, lastWeight);
        var next = m.Mux(m.And(fire, tlast), m.Const(1, 2),
            m.Mux(doneComputing, m.Const(2, 2),
            m.Mux(draining, m.Const(3, 2),
            m.Mux(m.And(presenting, mready), m.Const(0, 2), state))));
        m.Next(state, next);
        return new RtlDesign([m.Build()], "hwflow_top");
    }

    /// <summary>The golden model: the output byte for one frame.</summary>
    public static int Expected(Shape shape, byte[] frame)
    {
        var weights = Weights(shape);
        int s = shape.Simd, ones = 0;
        for (int neuron = 0; neuron < shape.Outputs; neuron++)
        {
            int fold = neuron / shape.Pe, lanePe = neuron % shape.Pe;
            long acc = 0;
            for (int synapse = 0; synapse < shape.SynapseFolds; synapse++)
            {
                var word = weights[(fold * shape.SynapseFolds) + synapse];
                for (int i = 0; i < s; i++)
                {
                    bool weight = !((word >> ((lanePe * s) + i)) & 1).IsZero;
                    byte input = frame[(synapse * s) + i];
                    acc += shape.Binary ? (weight == input >= 128 ? 1 : 0) : weight ? input : -input;
                }
            }
            int width = 8 + BitWidth.ToIndex(shape.InputBytes) + 1;
            if (acc >= Signed(Threshold(shape, lanePe, width), width)) ones++;
        }
        return ones & 0xFF;
    }

    private static List<BigInteger> Weights(Shape shape)
    {
        var rng = new SplitMix64(shape.Seed);
        var words = new List<BigInteger>();
        for (int a = 0; a < shape.SynapseFolds * shape.NeuronFolds; a++)
        {
            var word = BigInteger.Zero;
            for (int bit = 0; bit < shape.Simd * shape.Pe; bit += 64) word |= new BigInteger(rng.NextUInt64()) << bit;
            words.Add(word & ((BigInteger.One << (shape.Simd * shape.Pe)) - 1));
        }
        return words;
    }

    private static BigInteger Threshold(Shape shape, int lane, int width)
    {
        int value = shape.Binary ? (shape.InputBytes / 2) + (lane * 7 % 21) - 10 : (lane * 37 % 201) - 100;
        return ((BigInteger)value + (BigInteger.One << width)) & ((BigInteger.One << width) - 1);
    }

    private static long Signed(BigInteger value, int width) => (long)(value >= BigInteger.One << (width - 1) ? value - (BigInteger.One << width) : value);

}
