using System.Globalization;
using System.Numerics;
using System.Text;

namespace HwFlow.Compiler.Rtl;

/// <summary>The words and number formats shared by <see cref="RtlPrinter"/> and <see cref="RtlParser"/>.</summary>
internal static class RtlTextSyntax
{
    public const string Header = "hwflow-rtl 1";

    /// <summary>The text name of each cell kind. Constant and variable shifts share a name; the argument (a number or a signal) tells them apart.</summary>
    private static readonly (RtlOp Op, string Word)[] OpWords =
    [
        (RtlOp.Const, "const"), (RtlOp.Buffer, "buf"), (RtlOp.Not, "not"), (RtlOp.And, "and"), (RtlOp.Or, "or"),
        (RtlOp.Xor, "xor"), (RtlOp.Add, "add"), (RtlOp.Sub, "sub"), (RtlOp.Eq, "eq"), (RtlOp.Ne, "ne"),
        (RtlOp.LtU, "ltu"), (RtlOp.LtS, "lts"), (RtlOp.LeU, "leu"), (RtlOp.LeS, "les"), (RtlOp.Mux, "mux"),
        (RtlOp.Concat, "concat"), (RtlOp.Slice, "slice"), (RtlOp.ZeroExt, "zext"), (RtlOp.SignExt, "sext"),
        (RtlOp.ShlConst, "shl"), (RtlOp.ShrConst, "shr"), (RtlOp.SarConst, "sar"),
        (RtlOp.Shl, "shl"), (RtlOp.Shr, "shr"), (RtlOp.Sar, "sar"),
        (RtlOp.Popcount, "popcount"), (RtlOp.ReduceOr, "reduce-or"), (RtlOp.ReduceAnd, "reduce-and"),
    ];

    public static string Word(RtlOp op) => OpWords.First(w => w.Op == op).Word;

    /// <summary>The cell kinds a word can mean (two for the shifts).</summary>
    public static IReadOnlyList<RtlOp> Ops(string word) => [.. OpWords.Where(w => w.Word == word).Select(w => w.Op)];

    /// <summary>The text name of a memory style (Auto is never written).</summary>
    public static string Style(MemoryStyle style) => style.ToString().ToLowerInvariant();

    public static MemoryStyle? ParseStyle(string word) => word switch
    {
        "block" => MemoryStyle.Block,
        "logic" => MemoryStyle.Logic,
        _ => null,
    };

    public static bool HasAmount(RtlOp op) => op is RtlOp.Slice or RtlOp.ShlConst or RtlOp.ShrConst or RtlOp.SarConst;

    public static RtlOp ConstantShift(RtlOp variableShift) => variableShift switch
    {
        RtlOp.Shl => RtlOp.ShlConst,
        RtlOp.Shr => RtlOp.ShrConst,
        RtlOp.Sar => RtlOp.SarConst,
        _ => variableShift,
    };

    /// <summary>Hex digits needed for <paramref name="width"/> bits.</summary>
    public static int HexDigits(int width) => Math.Max(1, (width + 3) / 4);

    /// <summary>Lower-case hex, zero-padded to the digits of <paramref name="width"/> (more when the value needs them).</summary>
    public static string Hex(BigInteger value, int width)
    {
        if (value.Sign < 0) return "-" + Hex(-value, width);
        var digits = new StringBuilder();
        for (var rest = value; !rest.IsZero; rest >>= 4) digits.Insert(0, "0123456789abcdef"[(int)(rest & 15)]);
        return digits.ToString().PadLeft(HexDigits(width), '0');
    }

    /// <summary>Hex digits to an unsigned value, in linear time (memory words run to thousands of digits).</summary>
    public static bool TryParseHex(string digits, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (digits.Length == 0) return false;
        var bytes = new byte[(digits.Length + 1) / 2];
        for (int i = 0; i < digits.Length; i++)
        {
            char c = digits[digits.Length - 1 - i];
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            bytes[i / 2] |= (byte)(i % 2 == 0 ? d : d << 4);
        }
        value = new BigInteger(bytes, isUnsigned: true);
        return true;
    }

    public static string Decimal(int value) => value.ToString(CultureInfo.InvariantCulture);
}
