using System.Runtime.Intrinsics;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// The lane operations the portable (non-AVX-512) kernels call that Vector512 has no single
/// method for. Public, as <see cref="WideOps"/> is: kernels saved in a <see cref="KernelImage"/>
/// are another assembly and may call only public methods.
/// </summary>
public static class PortableLaneOps
{
    public static Vector512<ulong> NotEqual(Vector512<ulong> a, Vector512<ulong> b) => ~Vector512.Equals(a, b);

    public static Vector512<ulong> ShiftLeft(Vector512<ulong> a, Vector512<ulong> n) => PerLane(a, n, static (x, s) => s >= 64 ? 0 : x << (int)s);

    public static Vector512<ulong> ShiftRight(Vector512<ulong> a, Vector512<ulong> n) => PerLane(a, n, static (x, s) => s >= 64 ? 0 : x >> (int)s);

    public static bool AnyNonZero(Vector512<ulong> a) => a != Vector512<ulong>.Zero;

    private static Vector512<ulong> PerLane(Vector512<ulong> a, Vector512<ulong> b, Func<ulong, ulong, ulong> f)
    {
        Span<ulong> r = stackalloc ulong[LaneMath.Lanes];
        for (int i = 0; i < LaneMath.Lanes; i++) r[i] = f(a.GetElement(i), b.GetElement(i));
        return Vector512.Create((ReadOnlySpan<ulong>)r);
    }

    public static Vector512<ulong> TernaryLogic(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c, byte immediate)
    {
        var result = Vector512<ulong>.Zero;
        for (int t = 0; t < 8; t++)
            if (((immediate >> t) & 1) != 0)
                result |= ((t & 4) != 0 ? a : ~a) & ((t & 2) != 0 ? b : ~b) & ((t & 1) != 0 ? c : ~c);
        return result;
    }
}
