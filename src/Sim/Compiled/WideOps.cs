namespace HwFlow.Sim.Compiled;

/// <summary>
/// Operations on values wider than 64 bits that are too branchy to unroll into the generated
/// code (carry chains, comparisons, variable shifts). Values are little-endian word arrays in
/// the state buffer, canonical (zero above their width).
/// </summary>
public static unsafe class WideOps
{
    public static void Add(ulong* d, ulong* a, ulong* b, int words, ulong topMask)
    {
        ulong carry = 0;
        for (int i = 0; i < words; i++)
        {
            ulong x = a[i], sum = x + b[i];
            ulong withCarry = sum + carry;
            carry = (sum < x ? 1UL : 0UL) | (withCarry < sum ? 1UL : 0UL);
            d[i] = withCarry;
        }
        d[words - 1] &= topMask;
    }

    public static void Sub(ulong* d, ulong* a, ulong* b, int words, ulong topMask)
    {
        ulong borrow = 0;
        for (int i = 0; i < words; i++)
        {
            ulong x = a[i], y = b[i], diff = x - y;
            ulong result = diff - borrow;
            borrow = (x < y ? 1UL : 0UL) | (diff < borrow ? 1UL : 0UL);
            d[i] = result;
        }
        d[words - 1] &= topMask;
    }

    /// <summary>-1, 0 or 1 as a is less than, equal to or greater than b; two's complement when <paramref name="signedWidth"/> is not 0.</summary>
    public static int Compare(ulong* a, ulong* b, int words, int signedWidth)
    {
        if (signedWidth != 0)
        {
            int top = (signedWidth - 1) / 64, bit = (signedWidth - 1) % 64;
            bool negativeA = ((a[top] >> bit) & 1) != 0, negativeB = ((b[top] >> bit) & 1) != 0;
            if (negativeA != negativeB) return negativeA ? -1 : 1;
        }
        for (int i = words - 1; i >= 0; i--)
            if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
        return 0;
    }

    public static void ShiftLeft(ulong* d, ulong* a, int width, ulong amount) => Shift(d, a, width, amount, left: true, fill: 0);

    public static void ShiftRight(ulong* d, ulong* a, int width, ulong amount) => Shift(d, a, width, amount, left: false, fill: 0);

    public static void ShiftRightArithmetic(ulong* d, ulong* a, int width, ulong amount)
    {
        int top = (width - 1) / 64, bit = (width - 1) % 64;
        Shift(d, a, width, amount, left: false, fill: ((a[top] >> bit) & 1) != 0 ? ulong.MaxValue : 0);
    }

    private static void Shift(ulong* d, ulong* a, int width, ulong amount, bool left, ulong fill)
    {
        int words = (width + 63) / 64, topBits = width % 64;
        int s = amount >= (ulong)width ? width : (int)amount;
        int wordShift = s / 64, bitShift = s % 64;
        // Past the top word the value reads as the fill (sign) bits; the top word itself is sign-extended first.
        ulong topWord = topBits == 0 || fill == 0 ? a[words - 1] : a[words - 1] | (ulong.MaxValue << topBits);
        ulong Word(int index) => index < 0 ? 0 : index >= words ? fill : index == words - 1 ? topWord : a[index];
        for (int j = 0; j < words; j++)
        {
            ulong value;
            if (left)
            {
                int from = j - wordShift;
                value = bitShift == 0 ? Word(from) : (Word(from) << bitShift) | (Word(from - 1) >> (64 - bitShift));
            }
            else
            {
                int from = j + wordShift;
                value = bitShift == 0 ? Word(from) : (Word(from) >> bitShift) | (Word(from + 1) << (64 - bitShift));
            }
            d[j] = value;
        }
        if (topBits != 0) d[words - 1] &= (1UL << topBits) - 1;
    }
}
