using System.Numerics;
using CsCheck;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Tests.Rtl;

/// <summary>
/// Random well-formed designs for property tests: a child module and a top that instantiates
/// it, each built from a list of steps through <see cref="ModuleBuilder"/>. A step is a cell kind
/// (every <see cref="RtlOp"/>) at one of the widths 1, 7, 33, 65, 127, or a register, ROM, RAM,
/// output port or instance. Operands come from signals made earlier (or fresh input ports), and
/// registers take their next value only at the end, so feedback goes through flip-flops and no
/// combinational loop can arise.
/// </summary>
internal static class RandomRtl
{
    public static readonly int[] Widths = [1, 7, 33, 65, 127];

    private const int Register = 28, Rom = 29, Ram = 30, Output = 31, Instance = 32;

    public sealed record Step(int Kind, int Width, int A, int B, int C, ulong Seed)
    {
        public override string ToString() => $"({(Kind < Register ? ((RtlOp)Kind).ToString() : Kind.ToString())} w{Widths[Width]} {A} {B} {C} {Seed})";
    }

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, Instance], Gen.Int[0, Widths.Length - 1],
        Gen.Int[0, 999], Gen.Int[0, 999], Gen.Int[0, 999], Gen.ULong, (k, w, a, b, c, s) => new Step(k, w, a, b, c, s));

    /// <summary>(child steps, top steps).</summary>
    public static readonly Gen<(Step[] Child, Step[] Top)> Recipes = Gen.Select(StepGen.Array[1, 30], StepGen.Array[1, 30]);

    public static RtlDesign Build(Step[] childSteps, Step[] topSteps, string prefix = "r")
    {
        var child = new Interpreter(new ModuleBuilder(prefix + "_child"), null).Run(childSteps);
        var top = new Interpreter(new ModuleBuilder(prefix + "_top"), child).Run(topSteps);
        return new RtlDesign([child, top], top.Name);
    }

    /// <summary>A design where every cell kind appears at every one of <see cref="Widths"/>.</summary>
    public static RtlDesign EveryOpAtEveryWidth(string prefix = "all")
    {
        var steps = new List<Step>();
        int n = 0;
        for (int kind = 0; kind < Register; kind++)
            for (int w = 0; w < Widths.Length; w++, n++)
                steps.Add(new Step(kind, w, n * 7 + 1, n * 13 + 2, n * 5 + 3, (ulong)n * 0x9E3779B97F4A7C15UL));
        steps.Add(new Step(Output, 4, 1, 0, 0, 0));
        return Build([new Step((int)RtlOp.Add, 1, 0, 0, 0, 1)], [.. steps], prefix);
    }

    private sealed class Interpreter(ModuleBuilder b, RtlModule? child)
    {
        private readonly List<RtlSignal> _pool = [];
        private readonly List<(RtlSignal Q, Step Step)> _registers = [];
        private int _inputs, _outputs, _instances;

        public RtlModule Run(IEnumerable<Step> steps)
        {
            foreach (var step in steps) Apply(step);
            if (child is not null && _instances == 0) Apply(new Step(Instance, 0, 1, 2, 3, 4));
            foreach (var (q, step) in _registers)
                b.Next(q, Pick(q.Width, step.B), step.C % 3 == 0 ? Pick(1, step.C) : null);
            if (_outputs == 0) Apply(new Step(Output, 0, 0, 0, 0, 0));
            return b.Build();
        }

        private void Apply(Step step)
        {
            int w = Widths[step.Width];
            var random = new SplitMix64(step.Seed);
            RtlSignal? made = step.Kind switch
            {
                < Register => Cell((RtlOp)step.Kind, w, step, random),
                Register => Reg(w, step, random),
                Rom => b.Rom("rom", w, Words(w, Depth(step), random), Address(Depth(step), step.A), step.C % 2 == 0 ? Pick(1, step.C) : null),
                Ram => b.Ram("ram", w, Depth(step), Address(Depth(step), step.A), step.C % 2 == 0 ? Pick(1, step.C) : null,
                    Address(Depth(step), step.C), Pick(w, step.A + 1), Pick(1, step.B + 1)),
                Output => Out(w, step),
                _ => Inst(step),
            };
            if (made is not null) _pool.Add(made);
        }

        private RtlSignal Cell(RtlOp op, int w, Step s, SplitMix64 random) => op switch
        {
            RtlOp.Const => b.Const(Value(w, random), w),
            RtlOp.Buffer => Buffer(Pick(w, s.A)),
            RtlOp.Not => b.Not(Pick(w, s.A)),
            RtlOp.And => b.And(Pick(w, s.A), Pick(w, s.B)),
            RtlOp.Or => b.Or(Pick(w, s.A), Pick(w, s.B)),
            RtlOp.Xor => b.Xor(Pick(w, s.A), Pick(w, s.B)),
            RtlOp.Add => b.Add(Pick(w, s.A), Pick(w, s.B)),
            RtlOp.Sub => b.Sub(Pick(w, s.A), Pick(w, s.B)),
            RtlOp.Eq or RtlOp.Ne or RtlOp.LtU or RtlOp.LtS or RtlOp.LeU or RtlOp.LeS => b.Compare(op, Pick(w, s.A), Pick(w, s.B)),
            RtlOp.Mux => b.Mux(Pick(1, s.A), Pick(w, s.B), Pick(w, s.C)),
            RtlOp.Concat => b.Concat([Pick(w, s.A), .. s.C % 2 == 0 ? [PickAny(s.B)] : Array.Empty<RtlSignal>(), PickAny(s.C)]),
            RtlOp.Slice => Slice(Pick(w, s.A), s.B, s.C),
            RtlOp.ZeroExt => b.ZeroExtend(Pick(w, s.A), w + 1 + s.B % 70),
            RtlOp.SignExt => b.SignExtend(Pick(w, s.A), w + 1 + s.B % 70),
            RtlOp.ShlConst => b.ShiftLeft(Pick(w, s.A), 1 + s.B % (w + 2)),
            RtlOp.ShrConst => b.ShiftRightLogical(Pick(w, s.A), 1 + s.B % (w + 2)),
            RtlOp.SarConst => b.ShiftRightArithmetic(Pick(w, s.A), 1 + s.B % (w + 2)),
            RtlOp.Shl or RtlOp.Shr or RtlOp.Sar => b.Shift(op, Pick(w, s.A), Pick(Widths[s.C % 3], s.B)),
            RtlOp.Popcount => b.Popcount(Pick(w, s.A)),
            RtlOp.ReduceOr => b.ReduceOr(Pick(w, s.A)),
            RtlOp.ReduceAnd => b.ReduceAnd(Pick(w, s.A)),
            _ => throw new InvalidOperationException(op.ToString()),
        };

        private RtlSignal Buffer(RtlSignal source)
        {
            var target = b.Fresh("copy", source.Width);
            b.Assign(target, source);
            return target;
        }

        private RtlSignal Slice(RtlSignal source, int lowChoice, int widthChoice)
        {
            if (source.Width == 1) return b.Slice(b.Concat(source, source), lowChoice % 2, 1); // a real slice cell even at width 1
            int low = lowChoice % source.Width;
            return b.Slice(source, low, 1 + widthChoice % (source.Width - low));
        }

        private RtlSignal Reg(int w, Step s, SplitMix64 random)
        {
            var q = b.Register("reg", w, Value(w, random), useReset: s.A % 2 == 0);
            _registers.Add((q, s));
            return q;
        }

        private RtlSignal? Out(int w, Step s)
        {
            var o = b.Output($"out{_outputs++}", w);
            b.Assign(o, Pick(w, s.A));
            return null;
        }

        private RtlSignal? Inst(Step s)
        {
            if (child is null) return null;
            var inputs = child.Inputs.Where(p => p.Name is not (RtlModule.Clock or RtlModule.ResetPort))
                .ToDictionary(p => p.Name, p => Pick(p.Width, s.A + p.Name.Length));
            var outputs = b.Instantiate(child, $"u{_instances++}", inputs);
            _pool.AddRange(child.Outputs.Select(p => outputs[p.Name]));
            return null;
        }

        private RtlSignal Address(int depth, int choice)
        {
            int width = Math.Max(1, (int)Math.Ceiling(Math.Log2(depth)));
            return b.Resize(PickAny(choice), width, signed: false);
        }

        private static int Depth(Step s) => new[] { 1, 2, 5, 16, 33 }[s.B % 5];

        /// <summary>A signal of the given width: usually an earlier one, sometimes a new input port.</summary>
        private RtlSignal Pick(int width, int choice)
        {
            var candidates = _pool.Where(p => p.Width == width).ToList();
            if (candidates.Count == 0 || choice % 7 == 0)
            {
                var input = b.Input($"in{_inputs++}", width);
                _pool.Add(input);
                return input;
            }
            return candidates[choice % candidates.Count];
        }

        private RtlSignal PickAny(int choice) => _pool.Count == 0 ? Pick(Widths[choice % Widths.Length], choice) : _pool[choice % _pool.Count];

        private static BigInteger Value(int width, SplitMix64 random)
        {
            BigInteger value = 0;
            for (int i = 0; i < width; i += 64) value = (value << 64) | random.NextUInt64();
            return value & ((BigInteger.One << width) - 1);
        }

        private static List<BigInteger> Words(int width, int depth, SplitMix64 random) =>
            [.. Enumerable.Range(0, depth).Select(_ => Value(width, random))];
    }
}
