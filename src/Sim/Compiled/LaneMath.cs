using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// The operations of the multi-lane kernels, one lane per 64-bit element of a
/// <see cref="Vector512{T}"/>, emitted as calls to the AVX-512 intrinsics of one element type
/// (ulong). Those the JIT must expand into instructions wherever they appear; the portable
/// Vector512 helpers and small C# methods stop being expanded or inlined in kernels of
/// thousands of cells, which costs a call per operation. Signed operations go through the
/// unsigned ones (sign extension is (v ^ m) - m, signed order is unsigned order with the sign
/// bit flipped), so no value changes type. 1-bit results are 0 or 1 per lane, like the scalar
/// code's; masks are all ones or all zeros per lane. Constants come from a pool of vectors in
/// the state buffer (<see cref="KernelBuilder.VConst"/>), so they are memory operands.
/// <para>
/// Without AVX-512 the same operations are emitted as portable Vector512 calls (the runtime
/// emulates them): correct everywhere, but slow, so callers default to one lane there.
/// </para>
/// </summary>
internal static class LaneMath
{
    public const int Lanes = 8;

    public static readonly Type VectorType = typeof(Vector512<ulong>);

    /// <summary>Whether the AVX-512 form can run here; elsewhere kernels use the portable form.</summary>
    public static bool Accelerated => Avx512F.IsSupported && Avx2.IsSupported && Sse41.X64.IsSupported;

    private static readonly Type V = typeof(Vector512<ulong>);
    private static readonly Type V128 = typeof(Vector128<ulong>);
    private static readonly Type V256 = typeof(Vector256<ulong>);

    private static MethodInfo Isa(Type owner, string name, params Type[] parameters) =>
        owner.GetMethod(name, parameters) ?? throw new MissingMethodException(owner.Name, name);

    private static readonly MethodInfo And = Isa(typeof(Avx512F), nameof(Avx512F.And), V, V);
    private static readonly MethodInfo Or = Isa(typeof(Avx512F), nameof(Avx512F.Or), V, V);
    private static readonly MethodInfo Xor = Isa(typeof(Avx512F), nameof(Avx512F.Xor), V, V);
    private static readonly MethodInfo Add = Isa(typeof(Avx512F), nameof(Avx512F.Add), V, V);
    private static readonly MethodInfo Subtract = Isa(typeof(Avx512F), nameof(Avx512F.Subtract), V, V);
    private static readonly MethodInfo Min = Isa(typeof(Avx512F), nameof(Avx512F.Min), V, V);
    private static readonly MethodInfo Ternary = Isa(typeof(Avx512F), nameof(Avx512F.TernaryLogic), V, V, V, typeof(byte));
    private static readonly MethodInfo Equal = Isa(typeof(Avx512F), nameof(Avx512F.CompareEqual), V, V);
    private static readonly MethodInfo NotEqual = Isa(typeof(Avx512F), nameof(Avx512F.CompareNotEqual), V, V);
    private static readonly MethodInfo Less = Isa(typeof(Avx512F), nameof(Avx512F.CompareLessThan), V, V);
    private static readonly MethodInfo LessEqual = Isa(typeof(Avx512F), nameof(Avx512F.CompareLessThanOrEqual), V, V);
    private static readonly MethodInfo ShiftLeftImmediate = Isa(typeof(Avx512F), nameof(Avx512F.ShiftLeftLogical), V, typeof(byte));
    private static readonly MethodInfo ShiftRightImmediate = Isa(typeof(Avx512F), nameof(Avx512F.ShiftRightLogical), V, typeof(byte));
    private static readonly MethodInfo ShiftLeftLanes = Isa(typeof(Avx512F), nameof(Avx512F.ShiftLeftLogicalVariable), V, V);
    private static readonly MethodInfo ShiftRightLanes = Isa(typeof(Avx512F), nameof(Avx512F.ShiftRightLogicalVariable), V, V);
    private static readonly MethodInfo Broadcast = Isa(typeof(Avx512F), nameof(Avx512F.BroadcastScalarToVector512), V128);
    private static readonly MethodInfo ToVector128 = Isa(typeof(Sse2.X64), nameof(Sse2.X64.ConvertScalarToVector128UInt64), typeof(ulong));
    private static readonly MethodInfo Quarter = Isa(typeof(Avx512F), nameof(Avx512F.ExtractVector128), V, typeof(byte));
    private static readonly MethodInfo Half = Isa(typeof(Avx512F), nameof(Avx512F.ExtractVector256), V, typeof(byte));
    private static readonly MethodInfo ElementOfQuarter = Isa(typeof(Sse41.X64), nameof(Sse41.X64.Extract), V128, typeof(byte));
    private static readonly MethodInfo OrHalves = Isa(typeof(Avx2), nameof(Avx2.Or), V256, V256);
    private static readonly MethodInfo AllZero = Isa(typeof(Avx), nameof(Avx.TestZ), V256, V256);

    private static void Call(ILGenerator il, MethodInfo method) => il.Emit(OpCodes.Call, method);

    private static MethodInfo Portable(string name, int parameters) =>
        typeof(Vector512).GetMethods().Single(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == parameters).MakeGenericMethod(typeof(ulong));

    private static readonly Dictionary<string, MethodInfo> PortableForms = new()
    {
        ["And"] = Portable(nameof(Vector512.BitwiseAnd), 2),
        ["Or"] = Portable(nameof(Vector512.BitwiseOr), 2),
        ["Xor"] = Portable(nameof(Vector512.Xor), 2),
        ["Add"] = Portable(nameof(Vector512.Add), 2),
        ["Sub"] = Portable(nameof(Vector512.Subtract), 2),
        ["Min"] = Portable(nameof(Vector512.Min), 2),
        ["Equals"] = Portable(nameof(Vector512.Equals), 2),
        ["NotEqualsMask"] = typeof(PortableLaneOps).GetMethod(nameof(PortableLaneOps.NotEqual))!,
        ["Less"] = Portable(nameof(Vector512.LessThan), 2),
        ["LessEqual"] = Portable(nameof(Vector512.LessThanOrEqual), 2),
        ["Select"] = Portable(nameof(Vector512.ConditionalSelect), 3),
        ["Broadcast"] = Isa(typeof(Vector512), nameof(Vector512.Create), typeof(ulong)),
        ["ShiftLeft"] = Isa(typeof(Vector512), nameof(Vector512.ShiftLeft), V, typeof(int)),
        ["ShiftRight"] = Isa(typeof(Vector512), nameof(Vector512.ShiftRightLogical), V, typeof(int)),
        ["ShiftLeftVariable"] = typeof(PortableLaneOps).GetMethod(nameof(PortableLaneOps.ShiftLeft))!,
        ["ShiftRightVariable"] = typeof(PortableLaneOps).GetMethod(nameof(PortableLaneOps.ShiftRight))!,
        ["Element"] = Portable(nameof(Vector512.GetElement), 2),
        ["AnyNonZero"] = typeof(PortableLaneOps).GetMethod(nameof(PortableLaneOps.AnyNonZero))!,
    };

    /// <summary>The portable form of an operation, for kernels built without AVX-512.</summary>
    private static void EmitPortable(KernelBuilder k, string operation)
    {
        var il = k.IL;
        void P(string name) => Call(il, PortableForms[name]);
        switch (operation)
        {
            case "Broadcast" or "And" or "Or" or "Xor" or "Add" or "Sub" or "Min" or "Select" or "ShiftLeftVariable" or "ShiftRightVariable" or "AnyNonZero": P(operation); break;
            case "Not": k.VConst(ulong.MaxValue); P("Xor"); break;
            case "Spread": k.VConst(1); P("Equals"); break;
            case "ToBit": k.Int(63); P("ShiftRight"); break;
            case "Equal": P("Equals"); EmitPortable(k, "ToBit"); break;
            case "NotEqual": P("NotEqualsMask"); EmitPortable(k, "ToBit"); break;
            case "IsZero": k.VConst(0); P("Equals"); EmitPortable(k, "ToBit"); break;
            case "IsNonZero": k.VConst(0); P("NotEqualsMask"); EmitPortable(k, "ToBit"); break;
            case "LessThan": P("Less"); EmitPortable(k, "ToBit"); break;
            case "LessOrEqual": P("LessEqual"); EmitPortable(k, "ToBit"); break;
            case "Differ": P("Xor"); P("AnyNonZero"); break;
            default: throw new ArgumentException($"no lane operation {operation}", nameof(operation));
        }
    }

    private static void Byte(KernelBuilder k, int value)
    {
        k.Int(value);
        k.IL.Emit(OpCodes.Conv_U1);
    }

    /// <summary>Emits one operation on the lane vectors (and ints) on the stack; each case says what it takes and leaves.</summary>
    public static void Emit(KernelBuilder k, string operation)
    {
        if (k.PortableLanes)
        {
            EmitPortable(k, operation);
            return;
        }
        var il = k.IL;
        switch (operation)
        {
            case "Broadcast": Call(il, ToVector128); Call(il, Broadcast); break;        // ulong -> v
            case "And": Call(il, And); break;
            case "Or": Call(il, Or); break;
            case "Xor": Call(il, Xor); break;
            case "Not": k.VConst(ulong.MaxValue); Call(il, Xor); break;
            case "Add": Call(il, Add); break;
            case "Sub": Call(il, Subtract); break;
            case "Min": Call(il, Min); break;
            case "Spread": k.VConst(1); Call(il, Equal); break;                           // 0/1 -> mask
            case "Select": Byte(k, 0xCA); Call(il, Ternary); break;                      // mask, whenTrue, whenFalse -> v
            case "ToBit": Byte(k, 63); Call(il, ShiftRightImmediate); break;             // mask -> 0/1
            case "Equal": Call(il, Equal); Emit(k, "ToBit"); break;
            case "NotEqual": Call(il, NotEqual); Emit(k, "ToBit"); break;
            case "IsZero": k.VConst(0); Call(il, Equal); Emit(k, "ToBit"); break;
            case "IsNonZero": k.VConst(0); Call(il, NotEqual); Emit(k, "ToBit"); break;
            case "LessThan": Call(il, Less); Emit(k, "ToBit"); break;
            case "LessOrEqual": Call(il, LessEqual); Emit(k, "ToBit"); break;
            case "ShiftLeftVariable": Call(il, ShiftLeftLanes); break;                   // v, amounts -> v (0 for 64 and more)
            case "ShiftRightVariable": Call(il, ShiftRightLanes); break;
            case "AnyNonZero": EmitAnyNonZero(k); break;                                  // v -> bool
            case "Differ": Call(il, Xor); EmitAnyNonZero(k); break;                       // v, v -> bool
            default: throw new ArgumentException($"no lane operation {operation}", nameof(operation));
        }
    }

    /// <summary>a, b, c -> bitwise f(a, b, c), bit (a &lt;&lt; 2 | b &lt;&lt; 1 | c) of <paramref name="immediate"/> (VPTERNLOGQ).</summary>
    public static void TernaryLogic(KernelBuilder k, byte immediate)
    {
        Byte(k, immediate);
        Call(k.IL, k.PortableLanes ? typeof(PortableLaneOps).GetMethod(nameof(PortableLaneOps.TernaryLogic))! : Ternary);
    }

    public static void ShiftLeft(KernelBuilder k, int amount) => Shift(k, amount, left: true);

    public static void ShiftRight(KernelBuilder k, int amount) => Shift(k, amount, left: false);

    private static void Shift(KernelBuilder k, int amount, bool left)
    {
        if (k.PortableLanes)
        {
            k.Int(amount);
            Call(k.IL, PortableForms[left ? "ShiftLeft" : "ShiftRight"]);
            return;
        }
        Byte(k, amount);
        Call(k.IL, left ? ShiftLeftImmediate : ShiftRightImmediate);
    }

    /// <summary>v -> ulong, element <paramref name="lane"/>: the 128-bit quarter, then the element.</summary>
    public static void Element(KernelBuilder k, int lane)
    {
        if (k.PortableLanes)
        {
            k.Int(lane);
            Call(k.IL, PortableForms["Element"]);
            return;
        }
        Byte(k, lane / 2);
        Call(k.IL, Quarter);
        Byte(k, lane % 2);
        Call(k.IL, ElementOfQuarter);
    }

    /// <summary>v -> whether any lane is non-zero (the two halves ORed, then VPTEST).</summary>
    private static void EmitAnyNonZero(KernelBuilder k)
    {
        var value = k.VTemp(() => { });
        k.Load(value);
        Byte(k, 0);
        Call(k.IL, Half);
        k.Load(value);
        Byte(k, 1);
        Call(k.IL, Half);
        Call(k.IL, OrHalves);
        var both = k.Scratch(V256);
        k.IL.Emit(OpCodes.Stloc, both);
        k.IL.Emit(OpCodes.Ldloc, both);
        k.IL.Emit(OpCodes.Ldloc, both);
        Call(k.IL, AllZero);
        k.Int(0);
        k.IL.Emit(OpCodes.Ceq);
    }
}
