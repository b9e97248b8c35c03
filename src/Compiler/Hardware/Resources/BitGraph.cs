namespace HwFlow.Compiler.Hardware.Resources;

/// <summary>The bit-level node kinds of <see cref="BitGraph"/>.</summary>
public enum BitOp : byte
{
    /// <summary>Node 0 is constant 0, node 1 constant 1.</summary>
    Const,

    /// <summary>A bit nobody computes here: an input port, a flip-flop's Q, a block RAM's read data.</summary>
    Source,

    Not,
    And,
    Or,
    Xor,

    /// <summary>In0 ? In1 : In2.</summary>
    Mux,

    /// <summary>Majority of three (a full adder's carry, written as logic).</summary>
    Maj,

    /// <summary>The sum bit of a carry-chain adder: In0 ^ In1 ^ In2 (In2 the carry in). One LUT beside the carry cell.</summary>
    Sum,

    /// <summary>The carry out of a carry-chain bit: the carry cell itself (SB_CARRY / a CARRY4 stage), no LUT.</summary>
    Carry,
}

/// <summary>
/// A structurally hashed bit-level netlist with constant folding as nodes are made, so a design's
/// constants vanish while it is built (as yosys's opt_expr and abc's strashing remove them). Each
/// node remembers the RTL cell kind and the owner (top-level instance) that first built it.
/// </summary>
public sealed class BitGraph
{
    public const int Zero = 0;
    public const int One = 1;

    private readonly List<BitOp> _op = [BitOp.Const, BitOp.Const];
    private readonly List<int> _in = [0, 0, 0, 0, 0, 0];
    private readonly List<short> _owner = [0, 0];
    private readonly List<byte> _kind = [0, 0];
    private readonly Dictionary<(BitOp, int, int, int), int> _hash = [];

    public int Count => _op.Count;

    /// <summary>The owner and RTL kind new nodes get (set by the blaster before each cell).</summary>
    public short Owner { get; set; }
    public byte Kind { get; set; }

    public BitOp Op(int node) => _op[node];
    public int In(int node, int index) => _in[(3 * node) + index];
    public int Inputs(int node) => _op[node] switch { BitOp.Const or BitOp.Source => 0, BitOp.Not => 1, BitOp.And or BitOp.Or or BitOp.Xor => 2, _ => 3 };
    public short OwnerOf(int node) => _owner[node];
    public void SetOwner(int node, short owner) => _owner[node] = owner;
    public byte KindOf(int node) => _kind[node];
    public static bool IsConst(int node) => node <= One;

    /// <summary>
    /// The constant nodes of <paramref name="value"/>'s low <paramref name="width"/> bits, two's
    /// complement as `(value >> i) &amp; 1` reads them; from its bytes at once, not a BigInteger shift
    /// a bit (a logic ROM of 2,048 words of 300 bits made a count spend a fifth of its time there).
    /// </summary>
    public static int[] Constant(System.Numerics.BigInteger value, int width)
    {
        var bits = new int[width];
        if (value.IsZero) return bits;
        var bytes = value.ToByteArray();
        byte sign = value.Sign < 0 ? (byte)0xFF : (byte)0;
        for (int i = 0; i < width; i++)
        {
            byte b = (i >> 3) < bytes.Length ? bytes[i >> 3] : sign;
            bits[i] = ((b >> (i & 7)) & 1) != 0 ? One : Zero;
        }
        return bits;
    }

    public int Source() => Add(BitOp.Source, 0, 0, 0);

    public int Not(int a)
    {
        if (IsConst(a)) return 1 - a;
        if (_op[a] == BitOp.Not) return In(a, 0);
        return Hashed(BitOp.Not, a, 0, 0);
    }

    public int And(int a, int b)
    {
        if (a == Zero || b == Zero) return Zero;
        if (a == One) return b;
        if (b == One || a == b) return a;
        if (IsNotOf(a, b)) return Zero;
        return Hashed(BitOp.And, Math.Min(a, b), Math.Max(a, b), 0);
    }

    public int Or(int a, int b)
    {
        if (a == One || b == One) return One;
        if (a == Zero) return b;
        if (b == Zero || a == b) return a;
        if (IsNotOf(a, b)) return One;
        return Hashed(BitOp.Or, Math.Min(a, b), Math.Max(a, b), 0);
    }

    public int Xor(int a, int b)
    {
        if (a == Zero) return b;
        if (b == Zero) return a;
        if (a == One) return Not(b);
        if (b == One) return Not(a);
        if (a == b) return Zero;
        if (IsNotOf(a, b)) return One;
        return Hashed(BitOp.Xor, Math.Min(a, b), Math.Max(a, b), 0);
    }

    public int Mux(int s, int t, int f)
    {
        if (s == One) return t;
        if (s == Zero) return f;
        if (t == f) return t;
        if (t == One && f == Zero) return s;
        if (t == Zero && f == One) return Not(s);
        if (t == Zero) return And(Not(s), f);
        if (f == Zero) return And(s, t);
        if (t == One) return Or(s, f);
        if (f == One) return Or(Not(s), t);
        if (_op[s] == BitOp.Not) return Mux(In(s, 0), f, t);
        return Hashed(BitOp.Mux, s, t, f);
    }

    public int Maj(int a, int b, int c)
    {
        if (IsConst(a)) return a == One ? Or(b, c) : And(b, c);
        if (IsConst(b)) return b == One ? Or(a, c) : And(a, c);
        if (IsConst(c)) return c == One ? Or(a, b) : And(a, b);
        if (a == b || a == c) return a;
        if (b == c) return b;
        Sort(ref a, ref b, ref c);
        return Hashed(BitOp.Maj, a, b, c);
    }

    /// <summary>A carry-chain bit: its sum and carry out. With at most one varying input it is plain wiring.</summary>
    public (int Sum, int Carry) Adder(int a, int b, int carryIn)
    {
        int varying = (IsConst(a) ? 0 : 1) + (IsConst(b) ? 0 : 1) + (IsConst(carryIn) ? 0 : 1);
        if (varying <= 1) return (Xor(Xor(a, b), carryIn), Maj(a, b, carryIn));
        int x = a, y = b, c = carryIn;
        Sort(ref x, ref y, ref c);
        return (Hashed(BitOp.Sum, x, y, c), Hashed(BitOp.Carry, x, y, c));
    }

    private bool IsNotOf(int a, int b) => (_op[a] == BitOp.Not && In(a, 0) == b) || (_op[b] == BitOp.Not && In(b, 0) == a);

    private static void Sort(ref int a, ref int b, ref int c)
    {
        if (a > b) (a, b) = (b, a);
        if (b > c) (b, c) = (c, b);
        if (a > b) (a, b) = (b, a);
    }

    private int Hashed(BitOp op, int a, int b, int c)
    {
        if (_hash.TryGetValue((op, a, b, c), out var node)) return node;
        node = Add(op, a, b, c);
        _hash[(op, a, b, c)] = node;
        return node;
    }

    private int Add(BitOp op, int a, int b, int c)
    {
        _op.Add(op);
        _in.Add(a);
        _in.Add(b);
        _in.Add(c);
        _owner.Add(Owner);
        _kind.Add(Kind);
        return _op.Count - 1;
    }
}
