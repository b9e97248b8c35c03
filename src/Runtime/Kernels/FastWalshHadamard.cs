using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// The fast Walsh-Hadamard transform in place on 32-bit lanes (int for the integer engine,
/// float for training), in the stage order of <see cref="Semantics.WalshHadamardTransform"/>, so an
/// int result equals the golden kernel's and a float one rounds as the reference would in float.
/// The first three stages (spans 1, 2, 4) run inside one 8-lane vector (a lane shuffle to each
/// lane's partner, then add or subtract per lane); every later stage adds and subtracts whole
/// vectors span apart, 16 lanes at a time where the CPU has AVX-512.
/// </summary>
public static class FastWalshHadamard
{
    public static void Transform(Span<int> v) => Transform<int>(v);

    public static void Transform(Span<float> v) => Transform<float>(v);

    /// <summary>T is a 32-bit lane type (int or float): eight lanes to a 256-bit vector.</summary>
    private static void Transform<T>(Span<T> v) where T : unmanaged, System.Numerics.INumber<T>
    {
        int n = v.Length;
        if (n < 1 || (n & (n - 1)) != 0) throw new ArgumentException($"the transform length must be a power of two, got {n}");
        if (n < Vector256<T>.Count || !Vector256.IsHardwareAccelerated)
        {
            Scalar(v, 1);
            return;
        }
        ref T start = ref MemoryMarshal.GetReference(v);
        for (int i = 0; i < n; i += Vector256<T>.Count)
        {
            // constant shuffles, so the JIT emits one lane permute each; lanes with the stage's bit set take partner - self
            var x = Vector256.LoadUnsafe(ref start, (nuint)i);
            var p = Vector256.Shuffle(x.AsInt32(), Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6)).As<int, T>();
            x = Vector256.ConditionalSelect(Vector256.Create(0, -1, 0, -1, 0, -1, 0, -1).As<int, T>(), p - x, x + p);
            p = Vector256.Shuffle(x.AsInt32(), Vector256.Create(2, 3, 0, 1, 6, 7, 4, 5)).As<int, T>();
            x = Vector256.ConditionalSelect(Vector256.Create(0, 0, -1, -1, 0, 0, -1, -1).As<int, T>(), p - x, x + p);
            p = Vector256.Shuffle(x.AsInt32(), Vector256.Create(4, 5, 6, 7, 0, 1, 2, 3)).As<int, T>();
            x = Vector256.ConditionalSelect(Vector256.Create(0, 0, 0, 0, -1, -1, -1, -1).As<int, T>(), p - x, x + p);
            x.StoreUnsafe(ref start, (nuint)i);
        }
        for (int span = Vector256<T>.Count; span < n; span *= 2)
        {
            if (Vector512.IsHardwareAccelerated && span >= Vector512<T>.Count) Stage512(ref start, n, span);
            else Stage256(ref start, n, span);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Stage256<T>(ref T start, int n, int span) where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int block = 0; block < n; block += 2 * span)
        {
            for (int i = block; i < block + span; i += Vector256<T>.Count)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)i);
                var b = Vector256.LoadUnsafe(ref start, (nuint)(i + span));
                (a + b).StoreUnsafe(ref start, (nuint)i);
                (a - b).StoreUnsafe(ref start, (nuint)(i + span));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Stage512<T>(ref T start, int n, int span) where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int block = 0; block < n; block += 2 * span)
        {
            for (int i = block; i < block + span; i += Vector512<T>.Count)
            {
                var a = Vector512.LoadUnsafe(ref start, (nuint)i);
                var b = Vector512.LoadUnsafe(ref start, (nuint)(i + span));
                (a + b).StoreUnsafe(ref start, (nuint)i);
                (a - b).StoreUnsafe(ref start, (nuint)(i + span));
            }
        }
    }

    /// <summary>Stages from <paramref name="firstSpan"/> on, one pair at a time.</summary>
    internal static void Scalar<T>(Span<T> v, int firstSpan) where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int span = firstSpan; span < v.Length; span *= 2)
        {
            for (int block = 0; block < v.Length; block += 2 * span)
            {
                for (int i = block; i < block + span; i++)
                {
                    T a = v[i], b = v[i + span];
                    v[i] = a + b;
                    v[i + span] = a - b;
                }
            }
        }
    }
}
