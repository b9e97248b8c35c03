using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// The operations of the multi-lane kernels, one lane per 64-bit element of a
/// <see cref="Vector512{T}"/>, emitted as calls to the runtime's vector intrinsics (which the
/// JIT turns into single instructions whatever the size of the method; calls to small helpers
/// stop being inlined in kernels of thousands of cells). 1-bit results are 0 or 1 per lane, like
/// the scalar code's; masks are all ones or all zeros per lane.
/// </summary>
internal static class LaneMath
{
    public const int Lanes = 8;

    public static readonly Type VectorType = typeof(Vector512<ulong>);

    /// <summary>Popcount of each nibble value, for the VPSHUFB lookup.</summary>
    public static readonly Vector512<byte> NibbleCounts = Vector512.Create(
        (byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);

    public static readonly Vector512<byte> LowNibbles = Vector512.Create((byte)0x0F);

    /// <summary>Whether variable per-lane shifts compile to single instructions (AVX-512F).</summary>
    public static bool HasVariableShifts => Avx512F.IsSupported;

    /// <summary>Whether the per-lane popcount compiles to vector instructions (AVX-512BW).</summary>
    public static bool HasPopCount => Avx512BW.IsSupported;

    private static MethodInfo Generic(string name, Type element, int parameters) =>
        typeof(Vector512).GetMethods().Single(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == parameters).MakeGenericMethod(element);

    private static MethodInfo Exact(Type owner, string name, params Type[] parameters) =>
        owner.GetMethod(name, parameters) ?? throw new MissingMethodException(owner.Name, name);

    private static readonly MethodInfo AndU = Generic(nameof(Vector512.BitwiseAnd), typeof(ulong), 2);
    private static readonly MethodInfo AndB = Generic(nameof(Vector512.BitwiseAnd), typeof(byte), 2);
    private static readonly MethodInfo OrU = Generic(nameof(Vector512.BitwiseOr), typeof(ulong), 2);
    private static readonly MethodInfo XorU = Generic(nameof(Vector512.Xor), typeof(ulong), 2);
    private static readonly MethodInfo NotU = Generic(nameof(Vector512.OnesComplement), typeof(ulong), 1);
    private static readonly MethodInfo AddU = Generic(nameof(Vector512.Add), typeof(ulong), 2);
    private static readonly MethodInfo AddB = Generic(nameof(Vector512.Add), typeof(byte), 2);
    private static readonly MethodInfo SubU = Generic(nameof(Vector512.Subtract), typeof(ulong), 2);
    private static readonly MethodInfo NegateU = Generic(nameof(Vector512.Negate), typeof(ulong), 1);
    private static readonly MethodInfo SelectU = Generic(nameof(Vector512.ConditionalSelect), typeof(ulong), 3);
    private static readonly MethodInfo EqualsU = Generic(nameof(Vector512.Equals), typeof(ulong), 2);
    private static readonly MethodInfo LessU = Generic(nameof(Vector512.LessThan), typeof(ulong), 2);
    private static readonly MethodInfo LessEqualU = Generic(nameof(Vector512.LessThanOrEqual), typeof(ulong), 2);
    private static readonly MethodInfo LessL = Generic(nameof(Vector512.LessThan), typeof(long), 2);
    private static readonly MethodInfo LessEqualL = Generic(nameof(Vector512.LessThanOrEqual), typeof(long), 2);
    private static readonly MethodInfo EqualsAllU = Generic(nameof(Vector512.EqualsAll), typeof(ulong), 2);
    private static readonly MethodInfo ElementU = Generic(nameof(Vector512.GetElement), typeof(ulong), 2);
    private static readonly MethodInfo AsInt64 = Generic(nameof(Vector512.AsInt64), typeof(ulong), 1);
    private static readonly MethodInfo AsUInt64FromLong = Generic(nameof(Vector512.AsUInt64), typeof(long), 1);
    private static readonly MethodInfo AsUInt64FromUShort = Generic(nameof(Vector512.AsUInt64), typeof(ushort), 1);
    private static readonly MethodInfo AsByte = Generic(nameof(Vector512.AsByte), typeof(ulong), 1);
    private static readonly MethodInfo BroadcastU = Exact(typeof(Vector512), nameof(Vector512.Create), typeof(ulong));
    private static readonly MethodInfo ShiftLeftU = Exact(typeof(Vector512), nameof(Vector512.ShiftLeft), typeof(Vector512<ulong>), typeof(int));
    private static readonly MethodInfo ShiftRightU = Exact(typeof(Vector512), nameof(Vector512.ShiftRightLogical), typeof(Vector512<ulong>), typeof(int));
    private static readonly MethodInfo ShiftRightL = Exact(typeof(Vector512), nameof(Vector512.ShiftRightArithmetic), typeof(Vector512<long>), typeof(int));
    private static readonly MethodInfo ZeroU = typeof(Vector512<ulong>).GetProperty(nameof(Vector512<ulong>.Zero))!.GetMethod!;
    private static readonly MethodInfo ZeroB = typeof(Vector512<byte>).GetProperty(nameof(Vector512<byte>.Zero))!.GetMethod!;
    private static readonly MethodInfo ShlVariable = Exact(typeof(Avx512F), nameof(Avx512F.ShiftLeftLogicalVariable), typeof(Vector512<ulong>), typeof(Vector512<ulong>));
    private static readonly MethodInfo ShrVariable = Exact(typeof(Avx512F), nameof(Avx512F.ShiftRightLogicalVariable), typeof(Vector512<ulong>), typeof(Vector512<ulong>));
    private static readonly MethodInfo SarVariable = Exact(typeof(Avx512F), nameof(Avx512F.ShiftRightArithmeticVariable), typeof(Vector512<long>), typeof(Vector512<ulong>));
    private static readonly MethodInfo ShuffleB = Exact(typeof(Avx512BW), nameof(Avx512BW.Shuffle), typeof(Vector512<byte>), typeof(Vector512<byte>));
    private static readonly MethodInfo SumAbsolute = Exact(typeof(Avx512BW), nameof(Avx512BW.SumAbsoluteDifferences), typeof(Vector512<byte>), typeof(Vector512<byte>));
    private static readonly FieldInfo NibbleCountsField = typeof(LaneMath).GetField(nameof(NibbleCounts))!;
    private static readonly FieldInfo LowNibblesField = typeof(LaneMath).GetField(nameof(LowNibbles))!;

    private static void Call(ILGenerator il, MethodInfo method) => il.Emit(OpCodes.Call, method);

    /// <summary>Emits one operation on the lane vectors (and ints) on the stack; see the cases for what each takes and leaves.</summary>
    public static void Emit(KernelBuilder k, string operation)
    {
        var il = k.IL;
        switch (operation)
        {
            case "Broadcast": Call(il, BroadcastU); break;           // ulong -> v
            case "Element": Call(il, ElementU); break;               // v, int -> ulong
            case "And": Call(il, AndU); break;
            case "Or": Call(il, OrU); break;
            case "Xor": Call(il, XorU); break;
            case "Not": Call(il, NotU); break;
            case "Add": Call(il, AddU); break;
            case "Sub": Call(il, SubU); break;
            case "ShiftLeft": Call(il, ShiftLeftU); break;           // v, int -> v
            case "ShiftRight": Call(il, ShiftRightU); break;         // v, int -> v
            case "Spread": Call(il, NegateU); break;                 // 0/1 -> mask (0 - v)
            case "Select": Call(il, SelectU); break;                 // mask, whenTrue, whenFalse -> v
            case "ToBit": k.Int(63); Call(il, ShiftRightU); break;   // mask -> 0/1
            case "Equal": Call(il, EqualsU); Emit(k, "ToBit"); break;
            case "NotEqual": Call(il, EqualsU); Call(il, NotU); Emit(k, "ToBit"); break;
            case "IsZero": Call(il, ZeroU); Call(il, EqualsU); Emit(k, "ToBit"); break;
            case "IsNonZero": Call(il, ZeroU); Call(il, EqualsU); Call(il, NotU); Emit(k, "ToBit"); break;
            case "LessThan": Call(il, LessU); Emit(k, "ToBit"); break;
            case "LessOrEqual": Call(il, LessEqualU); Emit(k, "ToBit"); break;
            case "LessThanSigned": Call(il, LessL); Call(il, AsUInt64FromLong); Emit(k, "ToBit"); break;        // long, long
            case "LessOrEqualSigned": Call(il, LessEqualL); Call(il, AsUInt64FromLong); Emit(k, "ToBit"); break;
            case "ToSigned": Call(il, AsInt64); break;               // v -> long
            case "FromSigned": Call(il, AsUInt64FromLong); break;    // long -> v
            case "ShiftRightArithmetic": Call(il, ShiftRightL); break;  // long, int -> long
            case "ShiftLeftVariable": Call(il, ShlVariable); break;     // v, amounts -> v (0 for 64 and more)
            case "ShiftRightVariable": Call(il, ShrVariable); break;
            case "ShiftRightArithmeticVariable": Call(il, SarVariable); Call(il, AsUInt64FromLong); break;  // long, amounts -> v
            case "Differ": Call(il, EqualsAllU); k.Int(0); il.Emit(OpCodes.Ceq); break;   // v, v -> bool
            case "AnyNonZero": Call(il, ZeroU); Call(il, EqualsAllU); k.Int(0); il.Emit(OpCodes.Ceq); break;
            case "PopCount":
            {
                // Nibble lookups (VPSHUFB) added per byte, then summed per 64 bits (VPSADBW).
                var value = k.VTemp(() => { });
                il.Emit(OpCodes.Ldsfld, NibbleCountsField);
                k.Load(value);
                Call(il, AsByte);
                il.Emit(OpCodes.Ldsfld, LowNibblesField);
                Call(il, AndB);
                Call(il, ShuffleB);
                il.Emit(OpCodes.Ldsfld, NibbleCountsField);
                k.Load(value);
                k.Int(4);
                Call(il, ShiftRightU);
                Call(il, AsByte);
                il.Emit(OpCodes.Ldsfld, LowNibblesField);
                Call(il, AndB);
                Call(il, ShuffleB);
                Call(il, AddB);
                Call(il, ZeroB);
                Call(il, SumAbsolute);
                Call(il, AsUInt64FromUShort);
                break;
            }
            default: throw new ArgumentException($"no lane operation {operation}", nameof(operation));
        }
    }
}
